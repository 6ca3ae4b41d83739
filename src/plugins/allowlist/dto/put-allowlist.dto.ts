import { IsArray, IsOptional, IsString } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `PUT /orgs/:id/plugins/allowlist` (spec 07 §10). */
export class PutAllowlistDto {
  @ApiPropertyOptional({ type: [String], nullable: true, description: 'Replaces the list.' })
  @IsOptional()
  @IsArray()
  @IsString({ each: true })
  plugins?: string[] | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() enabled_by?: string | null;
}
