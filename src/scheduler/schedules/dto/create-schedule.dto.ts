import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/**
 * `POST /workspaces/:id/schedules` (spec 05 §4.2). A missing or mistyped field (`null` for a
 * string too) fails the whole body with the contract's single message; unknown keys are ignored.
 */
export class CreateScheduleDto {
  @ApiPropertyOptional() @IsOptional() @IsString() name?: string;
  @ApiProperty({ description: 'Five-field cron (minute hour day month weekday).' })
  @IsString()
  cron_expr!: string;
  @ApiPropertyOptional({ description: 'IANA zone; default `UTC`.' })
  @IsOptional()
  @IsString()
  timezone?: string;
  @ApiProperty({ description: 'The message sent to the workspace at each fire.' })
  @IsString()
  prompt!: string;
  @ApiPropertyOptional({ description: 'Default true.' })
  @IsOptional()
  @IsBoolean()
  enabled?: boolean;
}
