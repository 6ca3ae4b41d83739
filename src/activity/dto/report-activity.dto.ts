import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { IsInt32 } from '../../common/http/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { REPORTABLE_ACTIVITY_TYPES } from '../activity-types';
import { ApiAnyJsonProperty, ApiNullableProperty } from '../../common/openapi/properties';

/**
 * `POST /workspaces/:id/activity` (spec 03 §5.2). Strings may be null or absent; the bodies
 * and `metadata` are any JSON; unknown keys (e.g. `workspace_id`) are ignored.
 */
export class ReportActivityDto {
  @ApiProperty({ enum: REPORTABLE_ACTIVITY_TYPES })
  @IsString()
  @IsNotEmpty()
  activity_type!: string;

  @ApiNullableProperty(String) @IsOptional() @IsString() method?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() summary?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() target_id?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() source_id?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() status?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() error_detail?: string | null;

  /** The column is a PostgreSQL INTEGER: a value it cannot hold is a bad request, not a 500. */
  @ApiPropertyOptional({ type: 'integer', format: 'int32', nullable: true })
  @IsOptional()
  @IsInt32()
  duration_ms?: number | null;

  @ApiAnyJsonProperty('Any JSON, stored as given.') request_body?: unknown;
  @ApiAnyJsonProperty('Any JSON, stored as given.') response_body?: unknown;
  /** Stored as `request_body` when that is absent. */
  @ApiAnyJsonProperty('Stored as `request_body` when that is absent.') metadata?: unknown;
}
