import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { JsonBody } from '../common/http/json-body.decorator';
import { OrgImportResult, OrgImportService } from './import/org-import.service';
import { OrgTemplateCatalog, OrgTemplateSummary } from './templates/org-template-catalog';

@Controller('org')
@UseGuards(AdminAuthGuard)
export class OrgController {
  constructor(
    private readonly catalog: OrgTemplateCatalog,
    private readonly imports: OrgImportService,
  ) {}

  @Get('templates')
  templates(): OrgTemplateSummary[] {
    return this.catalog.list();
  }

  @Post('import')
  @HttpCode(201)
  import(
    @JsonBody(undefined, 'invalid request body') body: Record<string, unknown>,
  ): Promise<OrgImportResult> {
    return this.imports.import(body);
  }
}
