import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `POST /workspaces/:id/delegations/:delegation_id/update` (spec 03 §4.6). */
export class UpdateDelegationDto {
  /** Only `completed` and `failed` are accepted; the check has its own message. */
  @IsString() @IsNotEmpty() status!: string;
  @IsOptional() @IsString() error?: string | null;
  @IsOptional() @IsString() response_preview?: string | null;
}
