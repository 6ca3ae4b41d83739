import { Controller, Get, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { Bundle } from './bundle';
import { BundleExportService } from './bundle-export.service';
import { BundleImportResult, BundleImportService } from './bundle-import.service';
import { ApiTag } from '../../common/openapi/tags';
import { BundlesApi } from './bundles.api';

@ApiTag('bundles')
@Controller('bundles')
@UseGuards(AdminAuthGuard)
export class BundlesController {
  constructor(
    private readonly exporter: BundleExportService,
    private readonly importer: BundleImportService,
  ) {}

  @BundlesApi.export
  @Get('export/:id')
  export(@Param('id', WorkspaceIdPipe) id: string): Promise<Bundle> {
    return this.exporter.export(id);
  }

  @BundlesApi.import
  @Post('import')
  @HttpCode(201)
  import(
    @JsonBody(undefined, 'invalid bundle') body: Record<string, unknown>,
  ): Promise<BundleImportResult> {
    return this.importer.import(body);
  }
}
