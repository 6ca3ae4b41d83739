import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/delegate` (spec 03 §4.2). Unknown keys are ignored. */
export class DelegateDto {
  @ApiProperty({ description: 'The workspace to delegate to.' })
  @IsString()
  @IsNotEmpty()
  target_id!: string;
  @ApiProperty({ description: 'The task text sent to it.' })
  @IsString()
  @IsNotEmpty()
  task!: string;
  /** The runtime sends the first 32 hex chars of SHA-256("<target_id>:<task>"). */
  @ApiNullableProperty(String, 'A repeat with the same key answers the earlier delegation.')
  @IsOptional()
  @IsString()
  idempotency_key?: string | null;
}
