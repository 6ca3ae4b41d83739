import { Module } from '@nestjs/common';
import { TemplateCatalog } from './template-catalog';
import { TemplatesController } from './templates.controller';

@Module({
  controllers: [TemplatesController],
  providers: [TemplateCatalog],
  exports: [TemplateCatalog],
})
export class TemplatesModule {}
