import { Module } from '@nestjs/common';
import { GlobalSecretsController } from './global-secrets.controller';
import { ModelController } from './model.controller';
import { SecretsRepository } from './secrets.repository';
import { SecretsService } from './secrets.service';
import { WorkspaceSecretsController } from './workspace-secrets.controller';

/**
 * Workspace and global secrets, the model override and the decrypted pull. Needs the global
 * Database, SecretCipher (CryptoModule) and auth providers (AuthModule).
 */
@Module({
  controllers: [WorkspaceSecretsController, ModelController, GlobalSecretsController],
  providers: [SecretsRepository, SecretsService],
  // Provisioning decrypts the env bundle; create writes secrets in its own transaction.
  exports: [SecretsService, SecretsRepository],
})
export class SecretsModule {}
