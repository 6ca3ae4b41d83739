import { Type } from 'class-transformer';
import {
  IsArray,
  IsBoolean,
  IsInt,
  IsNotEmpty,
  IsNumber,
  IsObject,
  IsOptional,
  IsString,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { IsStringRecord } from '../../common/http/validators';

// 32-bit INTEGER columns: an out-of-range value is a bad payload (400), not a failed insert (500).
const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

export class CanvasPositionDto {
  @IsOptional() @IsNumber() x?: number;
  @IsOptional() @IsNumber() y?: number;
}

/** `POST /workspaces` (spec 01 §3.1). A type mismatch anywhere fails the whole payload. */
export class CreateWorkspaceDto {
  @IsString() @IsNotEmpty() name!: string;
  @IsOptional() @IsString() role?: string;
  @IsOptional() @IsString() template?: string;
  @IsOptional() @IsInt() @Min(INT32_MIN) @Max(INT32_MAX) tier?: number;
  @IsOptional() @IsString() model?: string;
  @IsOptional() @IsString() runtime?: string;
  @IsOptional() @IsBoolean() external?: boolean;
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsString() workspace_dir?: string;
  @IsOptional() @IsString() workspace_access?: string;
  @IsOptional() @IsString() parent_id?: string | null;
  /** USD cents; JS numbers stay exact up to 2^53. */
  @IsOptional() @IsInt() @Max(Number.MAX_SAFE_INTEGER) budget_limit?: number | null;
  @IsOptional() @IsObject() @IsStringRecord() secrets?: Record<string, string>;
  @IsOptional() @IsInt() @Min(INT32_MIN) @Max(INT32_MAX) max_concurrent_tasks?: number;
  @IsOptional() @ValidateNested() @Type(() => CanvasPositionDto) canvas?: CanvasPositionDto;
  /** `[{content, scope}]`, seeded into `agent_memories` (entries that cannot be stored are skipped). */
  @IsOptional() @IsArray() initial_memories?: unknown[];
}
