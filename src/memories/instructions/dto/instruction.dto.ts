import { IsBoolean, IsOptional, IsString } from 'class-validator';
import { IsInt32 } from '../../../common/http/validators';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/**
 * `POST /instructions` (spec 08 §5). Types only: emptiness and the scope rules are checked
 * after, in the contract's order. `priority` is a PostgreSQL INTEGER.
 */
export class CreateInstructionDto {
  @ApiProperty({ enum: ['global', 'team', 'workspace'], description: 'Required.', nullable: true })
  @IsOptional()
  @IsString()
  scope?: string | null;
  @ApiProperty({ type: String, description: 'Required, non-empty.', nullable: true })
  @IsOptional()
  @IsString()
  title?: string | null;
  @ApiProperty({ type: String, description: 'Required, non-empty.', nullable: true })
  @IsOptional()
  @IsString()
  content?: string | null;
  @ApiNullableProperty(String, 'The team or workspace id; required for those scopes.')
  @IsOptional()
  @IsString()
  scope_target?: string | null;
  @ApiNullableProperty('integer', 'Higher first; default 0.')
  @IsOptional()
  @IsInt32()
  priority?: number | null;
}

/** `PUT /instructions/:id`: each present, non-null field is applied. */
export class UpdateInstructionDto {
  @ApiNullableProperty(String) @IsOptional() @IsString() title?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() content?: string | null;
  @ApiNullableProperty('integer')
  @IsOptional()
  @IsInt32()
  priority?: number | null;
  @ApiNullableProperty(Boolean) @IsOptional() @IsBoolean() enabled?: boolean | null;
}
