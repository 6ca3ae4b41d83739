import { Module } from '@nestjs/common';
import { GlobalSecretsController } from './global-secrets.controller';
import { ModelController } from './model.controller';
import { RestartRequests } from './restart-requests';
import { SecretsRepository } from './secrets.repository';
import { SecretsService } from './secrets.service';
import { WorkspaceSecretsController } from './workspace-secrets.controller';

/**
 * Workspace and global secrets, the model override and the decrypted pull. Needs the global
 * Database, SecretCipher (CryptoModule) and auth providers (AuthModule).
 */
@Module({
  controllers: [WorkspaceSecretsController, ModelController, GlobalSecretsController],
  providers: [SecretsRepository, SecretsService, RestartRequests],
  // Provisioning decrypts the env bundle and subscribes to restart requests.
  exports: [SecretsService, SecretsRepository, RestartRequests],
})
export class SecretsModule {}
