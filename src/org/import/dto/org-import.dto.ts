import { IsObject, IsOptional, IsString } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/**
 * `POST /org/import` (spec 05 §6.7). There is no `force`: sent anyway, it is an unknown key and
 * ignored like any other (seed 80c612d9).
 */
export class OrgImportDto {
  @ApiNullableProperty(String, 'A directory under the org templates root (`ORG_TEMPLATES_DIR`).')
  @IsOptional()
  @IsString()
  dir?: string | null;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    nullable: true,
    description:
      'An inline org template (the `org.yaml` tree as JSON); `dir` or `template` is required.',
  })
  @IsOptional()
  @IsObject()
  template?: Record<string, unknown> | null;
}
