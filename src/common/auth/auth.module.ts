import { Global, Module } from '@nestjs/common';
import { AdminAuthGuard } from './admin-auth.guard';
import { CanvasOrBearerGuard } from './canvas-or-bearer.guard';
import { CredentialRepository } from './credential.repository';
import { SessionVerifier } from './session-verifier';
import { WorkspaceAuthGuard } from './workspace-auth.guard';
import { WorkspaceTokens } from './workspace-tokens.service';
import { WorkspaceTokensRepository } from './workspace-tokens.repository';

const AUTH_PROVIDERS = [
  CredentialRepository,
  WorkspaceTokensRepository,
  WorkspaceTokens,
  SessionVerifier,
  AdminAuthGuard,
  WorkspaceAuthGuard,
  CanvasOrBearerGuard,
];

/** Tokens and the auth guards every feature module uses. */
@Global()
@Module({
  providers: AUTH_PROVIDERS,
  exports: AUTH_PROVIDERS,
})
export class AuthModule {}
