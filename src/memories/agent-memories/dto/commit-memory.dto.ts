import { IsNotEmpty, IsOptional, IsString } from 'class-validator';

/**
 * `POST /workspaces/:id/memories` (spec 08 §2.2). A body `workspace_id` (sent by the runtime's
 * MCP tool) is ignored: a memory always belongs to the route's workspace.
 */
export class CommitMemoryDto {
  @IsString() @IsNotEmpty() content!: string;
  @IsString() @IsNotEmpty() scope!: string;
  @IsOptional() @IsString() namespace?: string | null;
}
