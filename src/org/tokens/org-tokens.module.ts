import { Module } from '@nestjs/common';
import { OrgTokensController } from './org-tokens.controller';
import { OrgTokensRepository } from './org-tokens.repository';
import { OrgTokensService } from './org-tokens.service';

/** `/org/tokens`: mint, list and revoke org API tokens (validation lives in AuthModule). */
@Module({
  controllers: [OrgTokensController],
  providers: [OrgTokensService, OrgTokensRepository],
})
export class OrgTokensModule {}
