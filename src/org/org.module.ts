import { Module } from '@nestjs/common';
import { SecretsModule } from '../workspaces/secrets/secrets.module';
import { WorkspacesModule } from '../workspaces/workspaces.module';
import { OrgImportRepository } from './import/org-import.repository';
import { OrgImportService } from './import/org-import.service';
import { OrgController } from './org.controller';
import { OrgTemplateCatalog } from './templates/org-template-catalog';
import { OrgTemplateLocation } from './templates/org-template-location';

/** Layer 5: org templates (`GET /org/templates`) and their import into a workspace tree. */
@Module({
  imports: [WorkspacesModule, SecretsModule],
  controllers: [OrgController],
  providers: [OrgTemplateLocation, OrgTemplateCatalog, OrgImportRepository, OrgImportService],
})
export class OrgModule {}
