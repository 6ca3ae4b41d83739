import { IsObject, IsOptional, IsString } from 'class-validator';

/**
 * `POST /org/import` (spec 05 §6.7). There is no `force`: sent anyway, it is an unknown key and
 * ignored like any other (seed 80c612d9).
 */
export class OrgImportDto {
  @IsOptional() @IsString() dir?: string | null;
  @IsOptional() @IsObject() template?: Record<string, unknown> | null;
}
