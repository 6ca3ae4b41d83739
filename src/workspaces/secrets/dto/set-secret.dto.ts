import { IsNotEmpty, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';

/** `{"key", "value"}`: both required, non-empty strings. Keys are free-form. */
export class SetSecretDto {
  @ApiProperty({ description: 'Free-form, non-empty (e.g. `ANTHROPIC_API_KEY`).' })
  @IsString()
  @IsNotEmpty()
  key!: string;

  @ApiProperty({ description: 'Non-empty; stored encrypted.' })
  @IsString()
  @IsNotEmpty()
  value!: string;
}
