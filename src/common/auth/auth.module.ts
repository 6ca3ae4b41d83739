import { Global, Module } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth.guard';
import { CanvasOrBearerGuard } from './canvas-or-bearer.guard';
import { CredentialRepository } from './credential.repository';
import { SessionVerifier } from './session-verifier';
import { WorkspaceAuthGuard } from './workspace-auth.guard';
import { WorkspaceTokens } from './workspace-tokens.service';
import { WorkspaceTokensRepository } from './workspace-tokens.repository';

/** Tokens and the auth guards every feature module uses. */
@Global()
@Module({
  providers: [
    CredentialRepository,
    WorkspaceTokensRepository,
    WorkspaceTokens,
    SessionVerifier,
    AdminAuthGuard,
    WorkspaceAuthGuard,
    CanvasOrBearerGuard,
  ],
  exports: [
    CredentialRepository,
    WorkspaceTokensRepository,
    WorkspaceTokens,
    SessionVerifier,
    AdminAuthGuard,
    WorkspaceAuthGuard,
    CanvasOrBearerGuard,
  ],
})
export class AuthModule {}
