import { Type } from 'class-transformer';
import {
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { IsBooleanRecord, IsInt32, IsSafeInt } from '../../common/http/validators';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** Adapter self-description carried by periodic heartbeats. */
export class RuntimeMetadataDto {
  /** `heartbeat`, `scheduler`, `session`, `status_mgmt`, `retry`, `activity_decoration`, `channel_dispatch`. */
  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: { type: 'boolean' },
    description: 'Which duties the adapter does itself (the platform skips them).',
  })
  @IsOptional()
  @IsObject()
  @IsBooleanRecord()
  capabilities?: Record<string, boolean>;

  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt32()
  idle_timeout_seconds?: number;
}

/**
 * `POST /registry/heartbeat` (spec 02 §3.1). Every field but the id is optional and defaults
 * to its zero value; unknown fields are tolerated; a fractional integer, or one its column
 * cannot hold, is a 400.
 */
export class HeartbeatDto {
  @ApiProperty() @IsString() @IsNotEmpty() workspace_id!: string;
  @ApiPropertyOptional({ description: '0–1; above 0.5 the workspace is degraded.' })
  @IsOptional()
  @IsNumber()
  error_rate?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() sample_error?: string;
  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt32()
  active_tasks?: number;
  @ApiPropertyOptional({ type: 'integer', format: 'int32' })
  @IsOptional()
  @IsInt32()
  uptime_seconds?: number;
  @ApiPropertyOptional() @IsOptional() @IsString() current_task?: string;
  /** US cents, cumulative for the month (BIGINT). */
  @ApiPropertyOptional({ type: 'integer', description: 'US cents spent this month.' })
  @IsOptional()
  @IsSafeInt()
  monthly_spend?: number;
  /** `""` = healthy; the only recognised non-empty value is `"wedged"`. */
  @ApiPropertyOptional({ description: '`""` = healthy; `wedged` marks the workspace degraded.' })
  @IsOptional()
  @IsString()
  runtime_state?: string;
  @ApiPropertyOptional({ type: RuntimeMetadataDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => RuntimeMetadataDto)
  runtime_metadata?: RuntimeMetadataDto;
}
