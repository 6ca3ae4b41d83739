import { Module } from '@nestjs/common';
import { TestTokenController } from './test-token.controller';
import { TokenWorkspacesRepository } from './token-workspaces.repository';
import { WorkspaceTokenAdmin } from './workspace-token-admin.service';
import { WorkspaceTokensController } from './workspace-tokens.controller';

/** Workspace-token endpoints; minting itself lives in the global AuthModule. */
@Module({
  controllers: [WorkspaceTokensController, TestTokenController],
  providers: [WorkspaceTokenAdmin, TokenWorkspacesRepository],
})
export class WorkspaceTokensModule {}
