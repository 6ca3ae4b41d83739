import { IsOptional, IsString } from 'class-validator';

/** `POST /workspaces/:id/plugins` (spec 05 §7.6); `null` reads as absent, as in Go. */
export class InstallPluginDto {
  @IsOptional() @IsString() source?: string | null;
  @IsOptional() @IsString() sha256?: string | null;
}
