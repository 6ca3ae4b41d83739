import { IsNotEmpty, IsString } from 'class-validator';

/** `POST /workspaces/:id/delegations/record` (spec 03 §4.5): a delegation the agent sent itself. */
export class RecordDelegationDto {
  @IsString() @IsNotEmpty() target_id!: string;
  @IsString() @IsNotEmpty() task!: string;
  @IsString() @IsNotEmpty() delegation_id!: string;
}
