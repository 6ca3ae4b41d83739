import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/delegations/:delegation_id/update` (spec 03 §4.6). */
export class UpdateDelegationDto {
  /** Only `completed` and `failed` are accepted; the check has its own message. */
  @ApiProperty({ enum: ['completed', 'failed'] }) @IsString() @IsNotEmpty() status!: string;
  @ApiNullableProperty(String) @IsOptional() @IsString() error?: string | null;
  @ApiNullableProperty(String) @IsOptional() @IsString() response_preview?: string | null;
}
