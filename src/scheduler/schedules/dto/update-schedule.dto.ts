import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `PATCH /workspaces/:id/schedules/:scheduleId` (spec 05 §4.3): any subset; `null` = absent. */
export class UpdateScheduleDto {
  @ApiNullableProperty(String) @IsOptional() @IsString() name?: string | null;
  @ApiNullableProperty(String, 'Five-field cron.') @IsOptional() @IsString() cron_expr?:
    string | null;
  @ApiNullableProperty(String, 'IANA zone.') @IsOptional() @IsString() timezone?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() prompt?: string | null;
  @ApiNullableProperty(Boolean) @IsOptional() @IsBoolean() enabled?: boolean | null;
}
