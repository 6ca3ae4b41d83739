import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiAnyJsonProperty, ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/checkpoints` (spec 08 §4). */
export class SaveCheckpointDto {
  @ApiProperty() @IsString() @IsNotEmpty() workflow_id!: string;
  @ApiProperty() @IsString() @IsNotEmpty() step_name!: string;
  /** Default 0; negatives allowed; the column is a PostgreSQL INTEGER. */
  @ApiNullableProperty('integer', 'Default 0; negatives allowed.')
  @IsOptional()
  @IsInt()
  @Min(-2_147_483_648)
  @Max(2_147_483_647)
  step_index?: number | null;
  /** Any JSON, stored as given (omitted = JSON null). */
  @ApiAnyJsonProperty('Any JSON, stored as given.') payload?: unknown;
}
