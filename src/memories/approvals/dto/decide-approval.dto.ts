import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** `POST /workspaces/:id/approvals/:approvalId/decide` (spec 08 §3.4). */
export class DecideApprovalDto {
  @IsString() @IsNotEmpty() decision!: string;
  /** Free text; empty means `human`. */
  @IsOptional() @IsString() decided_by?: string | null;
}
