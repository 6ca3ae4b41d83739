import { IsInt, IsNotEmpty, IsOptional, IsString, Max, Min } from 'class-validator';

/**
 * `POST /workspaces/:id/activity` (spec 03 §5.2). Strings may be null or absent; the bodies
 * and `metadata` are any JSON; unknown keys (e.g. `workspace_id`) are ignored.
 */
export class ReportActivityDto {
  @IsString() @IsNotEmpty() activity_type!: string;
  @IsOptional() @IsString() method?: string | null;
  @IsOptional() @IsString() summary?: string | null;
  @IsOptional() @IsString() target_id?: string | null;
  @IsOptional() @IsString() source_id?: string | null;
  @IsOptional() @IsString() status?: string | null;
  @IsOptional() @IsString() error_detail?: string | null;
  /** The column is a PostgreSQL INTEGER: a value it cannot hold is a bad request, not a 500. */
  @IsOptional() @IsInt() @Min(-2_147_483_648) @Max(2_147_483_647) duration_ms?: number | null;
  request_body?: unknown;
  response_body?: unknown;
  /** Stored as `request_body` when that is absent. */
  metadata?: unknown;
}
