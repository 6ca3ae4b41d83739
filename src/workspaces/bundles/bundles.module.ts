import { Module } from '@nestjs/common';
import { SecretsModule } from '../secrets/secrets.module';
import { TemplatesModule } from '../templates/templates.module';
import { WorkspacesModule } from '../workspaces.module';
import { BundleExportService } from './bundle-export.service';
import { BundleImportService } from './bundle-import.service';
import { BundleRepository } from './bundle.repository';
import { BundlesController } from './bundles.controller';

/** Layer 2: workspace trees exported as portable bundles and imported back (spec 01 §4). */
@Module({
  imports: [WorkspacesModule, SecretsModule, TemplatesModule],
  controllers: [BundlesController],
  providers: [BundleRepository, BundleExportService, BundleImportService],
})
export class BundlesModule {}
