import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsInt32 } from '../../../common/http/validators';
import { ApiProperty } from '@nestjs/swagger';
import { ApiAnyJsonProperty, ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/checkpoints` (spec 08 §4). */
export class SaveCheckpointDto {
  @ApiProperty() @IsString() @IsNotEmpty() workflow_id!: string;
  @ApiProperty() @IsString() @IsNotEmpty() step_name!: string;
  /** Default 0; negatives allowed; the column is a PostgreSQL INTEGER. */
  @ApiNullableProperty('integer', 'Default 0; negatives allowed.')
  @IsOptional()
  @IsInt32()
  step_index?: number | null;
  /** Any JSON, stored as given (omitted = JSON null). */
  @ApiAnyJsonProperty('Any JSON, stored as given.') payload?: unknown;
}
