import { IsNotEmpty, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';

/** `POST /workspaces/:id/delegations/record` (spec 03 §4.5): a delegation the agent sent itself. */
export class RecordDelegationDto {
  @ApiProperty() @IsString() @IsNotEmpty() target_id!: string;
  @ApiProperty() @IsString() @IsNotEmpty() task!: string;
  @ApiProperty({ description: "The agent's own id for it." })
  @IsString()
  @IsNotEmpty()
  delegation_id!: string;
}
