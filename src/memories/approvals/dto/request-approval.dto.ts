import { IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';

/** `POST /workspaces/:id/approvals` (spec 08 §3.1): what an agent asks a human to allow. */
export class RequestApprovalDto {
  @IsString() @IsNotEmpty() action!: string;
  @IsOptional() @IsString() reason?: string | null;
  @IsOptional() @IsString() task_id?: string | null;
  /** Any JSON object; omitted or null is stored as `{}`. */
  @IsOptional() @IsObject() context?: Record<string, unknown> | null;
}
