import { IsNotEmpty, IsOptional, IsString } from 'class-validator';
import { ApiProperty } from '@nestjs/swagger';
import { ApiNullableProperty } from '../../../common/openapi/properties';

/**
 * `POST /workspaces/:id/memories` (spec 08 §2.2). A body `workspace_id` (sent by the runtime's
 * MCP tool) is ignored: a memory always belongs to the route's workspace.
 */
export class CommitMemoryDto {
  @ApiProperty() @IsString() @IsNotEmpty() content!: string;
  @ApiProperty({ enum: ['LOCAL', 'TEAM', 'GLOBAL'] }) @IsString() @IsNotEmpty() scope!: string;
  @ApiNullableProperty(String, "Default: the workspace's awareness namespace.")
  @IsOptional()
  @IsString()
  namespace?: string | null;
}
