import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/** `POST /workspaces/:id/checkpoints` (spec 08 §4). */
export class SaveCheckpointDto {
  @IsString() @IsNotEmpty() workflow_id!: string;
  @IsString() @IsNotEmpty() step_name!: string;
  /** Default 0; negatives allowed; the column is a PostgreSQL INTEGER. */
  @IsOptional() @IsInt() @Min(-2_147_483_648) @Max(2_147_483_647) step_index?: number | null;
  /** Any JSON, stored as given (omitted = JSON null). */
  payload?: unknown;
}
