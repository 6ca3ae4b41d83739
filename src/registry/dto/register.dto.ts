import { IsNotEmpty, IsString } from 'class-validator';
import { IsPresent } from '../../common/http/validators';
import { ApiProperty } from '@nestjs/swagger';
import { ApiAnyJsonProperty } from '../../common/openapi/properties';

/** `POST /registry/register` (spec 02 §2.1). Unknown keys are ignored. */
export class RegisterDto {
  @ApiProperty({ description: 'The workspace id.' }) @IsString() @IsNotEmpty() id!: string;
  @ApiProperty({ description: "The agent's A2A endpoint, e.g. `http://<hostname>:8000`." })
  @IsString()
  @IsNotEmpty()
  url!: string;
  /** Stored verbatim; must be present, `null` accepted. */
  @ApiAnyJsonProperty(
    'The A2A agent card, stored as given; must be present (`null` accepted).',
    true,
  )
  @IsPresent()
  agent_card!: unknown;
}

/** `POST /registry/update-card` (spec 02 §4). */
export class UpdateCardDto {
  @ApiProperty() @IsString() @IsNotEmpty() workspace_id!: string;
  @ApiAnyJsonProperty('The A2A agent card; must be present (`null` accepted).', true)
  @IsPresent()
  agent_card!: unknown;
}

/** `POST /registry/check-access` (spec 02 §10). */
export class CheckAccessDto {
  @ApiProperty() @IsString() @IsNotEmpty() caller_id!: string;
  @ApiProperty() @IsString() @IsNotEmpty() target_id!: string;
}
