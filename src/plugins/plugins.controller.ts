import { Controller, Get, Query } from '@nestjs/common';
import { PluginCatalog } from './catalog/plugin-catalog';
import { PluginInfo } from './catalog/plugin-manifest';
import { PluginSources } from './sources/plugin-sources';
import { ApiTag } from '../common/openapi/tags';
import { PluginsApi } from './plugins.api';

/** The plugin registry and the source schemes (spec 05 §7.6); both open. */
@ApiTag('plugins')
@Controller('plugins')
export class PluginsController {
  constructor(
    private readonly catalog: PluginCatalog,
    private readonly sources: PluginSources,
  ) {}

  @PluginsApi.list
  @Get()
  list(@Query('runtime') runtime?: string): PluginInfo[] {
    return this.catalog.list(typeof runtime === 'string' ? runtime : undefined);
  }

  @PluginsApi.sources
  @Get('sources')
  schemes(): { schemes: string[] } {
    return { schemes: this.sources.schemes() };
  }
}
