import { IsBoolean, IsOptional, IsString } from 'class-validator';

/**
 * `POST /workspaces/:id/schedules` (spec 05 §4.2). A missing or mistyped field (`null` for a
 * string too) fails the whole body with the contract's single message; unknown keys are ignored.
 */
export class CreateScheduleDto {
  @IsOptional() @IsString() name?: string;
  @IsString() cron_expr!: string;
  @IsOptional() @IsString() timezone?: string;
  @IsString() prompt!: string;
  @IsOptional() @IsBoolean() enabled?: boolean;
}
