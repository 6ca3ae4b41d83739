import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `POST /workspaces/:id/delegate` (spec 03 §4.2). Unknown keys are ignored. */
export class DelegateDto {
  @IsString() @IsNotEmpty() target_id!: string;
  @IsString() @IsNotEmpty() task!: string;
  /** The runtime sends the first 32 hex chars of SHA-256("<target_id>:<task>"). */
  @IsOptional() @IsString() idempotency_key?: string | null;
}
