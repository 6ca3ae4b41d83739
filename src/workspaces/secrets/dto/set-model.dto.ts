import { IsOptional, IsString } from 'class-validator';

/** `{"model": string}`; a missing, null or empty model clears the override. */
export class SetModelDto {
  @IsOptional()
  @IsString()
  model?: string | null;
}
