import { IsNotEmpty, IsString } from 'class-validator';

/** `{"key", "value"}`: both required, non-empty strings. Keys are free-form. */
export class SetSecretDto {
  @IsString()
  @IsNotEmpty()
  key!: string;

  @IsString()
  @IsNotEmpty()
  value!: string;
}
