import { IsBoolean, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

/**
 * `POST /instructions` (spec 08 §5). Types only: emptiness and the scope rules are checked
 * after, in the contract's order. `priority` is a PostgreSQL INTEGER.
 */
export class CreateInstructionDto {
  @IsOptional() @IsString() scope?: string | null;
  @IsOptional() @IsString() title?: string | null;
  @IsOptional() @IsString() content?: string | null;
  @IsOptional() @IsString() scope_target?: string | null;
  @IsOptional() @IsInt() @Min(INT32_MIN) @Max(INT32_MAX) priority?: number | null;
}

/** `PUT /instructions/:id`: each present, non-null field is applied. */
export class UpdateInstructionDto {
  @IsOptional() @IsString() title?: string | null;
  @IsOptional() @IsString() content?: string | null;
  @IsOptional() @IsInt() @Min(INT32_MIN) @Max(INT32_MAX) priority?: number | null;
  @IsOptional() @IsBoolean() enabled?: boolean | null;
}
