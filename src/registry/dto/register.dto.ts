import { IsNotEmpty, IsString } from 'class-validator';
import { IsPresent } from '../../common/http/validators';

/** `POST /registry/register` (spec 02 §2.1). Unknown keys are ignored. */
export class RegisterDto {
  @IsString() @IsNotEmpty() id!: string;
  @IsString() @IsNotEmpty() url!: string;
  /** Stored verbatim; must be present, `null` accepted. */
  @IsPresent() agent_card!: unknown;
}

/** `POST /registry/update-card` (spec 02 §4). */
export class UpdateCardDto {
  @IsString() @IsNotEmpty() workspace_id!: string;
  @IsPresent() agent_card!: unknown;
}

/** `POST /registry/check-access` (spec 02 §10). */
export class CheckAccessDto {
  @IsString() @IsNotEmpty() caller_id!: string;
  @IsString() @IsNotEmpty() target_id!: string;
}
