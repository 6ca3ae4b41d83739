import { IsBoolean, IsOptional, IsString } from 'class-validator';

/** `PATCH /workspaces/:id/schedules/:scheduleId` (spec 05 §4.3): any subset; `null` = absent. */
export class UpdateScheduleDto {
  @IsOptional() @IsString() name?: string | null;
  @IsOptional() @IsString() cron_expr?: string | null;
  @IsOptional() @IsString() timezone?: string | null;
  @IsOptional() @IsString() prompt?: string | null;
  @IsOptional() @IsBoolean() enabled?: boolean | null;
}
