import { IsOptional, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/** `POST /workspaces/:id/plugins` (spec 05 §7.6); `null` reads as absent, as in Go. */
export class InstallPluginDto {
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Required: `<scheme>://<spec>` (see `GET /plugins/sources`).',
  })
  @IsOptional()
  @IsString()
  source?: string | null;
  @ApiNullableProperty(String, 'The expected SHA-256 (hex) of its `plugin.yaml`.')
  @IsOptional()
  @IsString()
  sha256?: string | null;
}
