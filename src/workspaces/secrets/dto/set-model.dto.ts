import { IsOptional, IsString } from 'class-validator';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `{"model": string}`; a missing, null or empty model clears the override. */
export class SetModelDto {
  @ApiNullableProperty(String, 'Absent, `null` or empty clears the override.')
  @IsOptional()
  @IsString()
  model?: string | null;
}
