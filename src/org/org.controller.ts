import { Controller, Get, HttpCode, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { JsonBody } from '../common/http/json-body.decorator';
import { OrgImportDto } from './import/dto/org-import.dto';
import { OrgImportResult, OrgImportService } from './import/org-import.service';
import { OrgTemplateCatalog, OrgTemplateSummary } from './templates/org-template-catalog';
import { ApiTag } from '../common/openapi/tags';
import { OrgApi } from './org.api';

@ApiTag('org')
@Controller('org')
@UseGuards(AdminAuthGuard)
export class OrgController {
  constructor(
    private readonly catalog: OrgTemplateCatalog,
    private readonly imports: OrgImportService,
  ) {}

  @OrgApi.templates
  @Get('templates')
  templates(): OrgTemplateSummary[] {
    return this.catalog.list();
  }

  @OrgApi.import
  @Post('import')
  @HttpCode(201)
  import(
    @JsonBody(OrgImportDto, 'invalid request body') body: OrgImportDto,
  ): Promise<OrgImportResult> {
    return this.imports.import(body);
  }
}
