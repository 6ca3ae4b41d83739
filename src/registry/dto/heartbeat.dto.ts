import { Type } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  ValidateNested,
} from 'class-validator';
import { IsBooleanRecord } from '../../common/http/validators';

/** Adapter self-description carried by periodic heartbeats. */
export class RuntimeMetadataDto {
  /** `heartbeat`, `scheduler`, `session`, `status_mgmt`, `retry`, `activity_decoration`, `channel_dispatch`. */
  @IsOptional() @IsObject() @IsBooleanRecord() capabilities?: Record<string, boolean>;
  @IsOptional() @IsInt() idle_timeout_seconds?: number;
}

/**
 * `POST /registry/heartbeat` (spec 02 §3.1). Every field but the id is optional and defaults
 * to its zero value; unknown fields are tolerated; a fractional integer is a 400.
 */
export class HeartbeatDto {
  @IsString() @IsNotEmpty() workspace_id!: string;
  @IsOptional() @IsNumber() error_rate?: number;
  @IsOptional() @IsString() sample_error?: string;
  @IsOptional() @IsInt() active_tasks?: number;
  @IsOptional() @IsInt() uptime_seconds?: number;
  @IsOptional() @IsString() current_task?: string;
  /** US cents, cumulative for the month. */
  @IsOptional() @IsInt() monthly_spend?: number;
  /** `""` = healthy; the only recognised non-empty value is `"wedged"`. */
  @IsOptional() @IsString() runtime_state?: string;
  @IsOptional()
  @ValidateNested()
  @Type(() => RuntimeMetadataDto)
  runtime_metadata?: RuntimeMetadataDto;
}
