import { IsArray, IsOptional, IsString } from 'class-validator';

/** `PUT /orgs/:id/plugins/allowlist` (spec 07 §10). */
export class PutAllowlistDto {
  @IsOptional() @IsArray() @IsString({ each: true }) plugins?: string[] | null;
  @IsOptional() @IsString() enabled_by?: string | null;
}
