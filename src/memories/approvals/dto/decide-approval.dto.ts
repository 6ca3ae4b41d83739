import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/approvals/:approvalId/decide` (spec 08 §3.4). */
export class DecideApprovalDto {
  @ApiProperty({ enum: ['approved', 'denied'] }) @IsString() @IsNotEmpty() decision!: string;
  /** Free text; empty means `human`. */
  @ApiNullableProperty(String, 'Free text; empty means `human`.')
  @IsOptional()
  @IsString()
  decided_by?: string | null;
}
