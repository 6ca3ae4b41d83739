import { Controller, Post, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../common/auth/admin-auth.guard';
import { badRequest } from '../common/http/api-error';
import { JsonBody } from '../common/http/json-body.decorator';
import { folderFiles, FOLDER_BODY_LIMIT } from './folder-body';
import { ImportedTemplate, TemplateImportService } from './template-import.service';
import { ApiTag } from '../common/openapi/tags';
import { TemplateImportApi } from './files.api';

/** "Import agent folder" on the canvas (spec 07 §8). */
@ApiTag('templates')
@Controller('templates/import')
@UseGuards(AdminAuthGuard)
export class TemplateImportController {
  constructor(private readonly imports: TemplateImportService) {}

  @TemplateImportApi
  @Post()
  import(
    @JsonBody(undefined, 'invalid request body', { limit: FOLDER_BODY_LIMIT })
    body: Record<string, unknown>,
  ): Promise<ImportedTemplate> {
    const { name, files } = body;
    if (typeof name !== 'string' || name === '') throw badRequest('invalid request body');
    return this.imports.import(name, folderFiles(files));
  }
}
