import { IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/approvals` (spec 08 §3.1): what an agent asks a human to allow. */
export class RequestApprovalDto {
  @ApiProperty() @IsString() @IsNotEmpty() action!: string;
  @ApiNullableProperty(String) @IsOptional() @IsString() reason?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() task_id?: string | null;
  /** Any JSON object; omitted or null is stored as `{}`. */
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsObject()
  context?: Record<string, unknown> | null;
}
