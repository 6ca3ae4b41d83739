import { Controller, Get, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { TemplateCatalog } from './template-catalog';
import { TemplateSummary } from './template-summary';
import { ApiTag } from '../../common/openapi/tags';
import { TemplatesApi } from './templates.api';

/** The workspace templates under CONFIGS_DIR, read fresh on each call. */
@ApiTag('templates')
@Controller('templates')
@UseGuards(AdminAuthGuard)
export class TemplatesController {
  constructor(private readonly catalog: TemplateCatalog) {}

  @TemplatesApi
  @Get()
  list(): TemplateSummary[] {
    return this.catalog.list();
  }
}
