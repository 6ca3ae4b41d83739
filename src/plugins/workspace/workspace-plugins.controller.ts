import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import type { Request, Response } from 'express';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { ApiError, badRequest } from '../../common/http/api-error';
import { parseJsonBody } from '../../common/http/json-body.decorator';
import { readBody } from '../../common/http/read-body';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { AppConfig } from '../../config/app-config';
import { PluginInfo } from '../catalog/plugin-manifest';
import { InstallPluginDto } from './dto/install-plugin.dto';
import {
  Compatibility,
  InstallRequest,
  WorkspacePluginsService,
} from './workspace-plugins.service';
import { ApiTag } from '../../common/openapi/tags';
import { WorkspacePluginsApi } from '../plugins.api';

@ApiTag('plugins')
@Controller('workspaces/:id/plugins')
@UseGuards(WorkspaceAuthGuard)
export class WorkspacePluginsController {
  constructor(
    private readonly config: AppConfig,
    private readonly plugins: WorkspacePluginsService,
  ) {}

  @WorkspacePluginsApi.list
  @Get()
  list(@Param('id', WorkspaceIdPipe) id: string): Promise<PluginInfo[]> {
    return this.plugins.listInstalled(id);
  }

  @WorkspacePluginsApi.available
  @Get('available')
  available(@Param('id', WorkspaceIdPipe) id: string): Promise<PluginInfo[]> {
    return this.plugins.available(id);
  }

  @WorkspacePluginsApi.compatibility
  @Get('compatibility')
  compatibility(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('runtime') runtime?: unknown,
  ): Promise<Compatibility> {
    return this.plugins.compatibility(id, typeof runtime === 'string' ? runtime : '');
  }

  @WorkspacePluginsApi.install
  @Post()
  @HttpCode(200)
  async install(
    @Param('id', WorkspaceIdPipe) id: string,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Record<string, unknown>> {
    const request = await this.readInstallRequest(req);
    return this.plugins.install(id, request, abortedWith(res));
  }

  @WorkspacePluginsApi.uninstall
  @Delete(':name')
  uninstall(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('name') name: string,
  ): Promise<Record<string, unknown>> {
    return this.plugins.uninstall(id, name);
  }

  @WorkspacePluginsApi.download
  @Get(':name/download')
  async download(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('name') name: string,
    @Query('source') source: unknown,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const download = await this.plugins.download(
      id,
      name,
      typeof source === 'string' ? source : undefined,
      req.headers.authorization,
      abortedWith(res),
    );
    res
      .status(200)
      .set({
        'Content-Type': 'application/gzip',
        'Content-Disposition': `attachment; filename="${download.name}.tar.gz"`,
        'Content-Length': String(download.archive.length),
        'X-Plugin-Name': download.name,
        'X-Plugin-Source': download.source,
      })
      .end(download.archive);
  }

  /**
   * `{source, sha256?}` under `PLUGIN_INSTALL_BODY_MAX_BYTES`: an oversized body is the same
   * 400 as a malformed one (spec 05 §7.6), not the generic 413.
   */
  private async readInstallRequest(req: Request): Promise<InstallRequest> {
    const raw = await readBody(req, this.config.pluginInstallBodyMaxBytes).catch((err) => {
      throw err instanceof ApiError ? badRequest('invalid request body') : err;
    });
    const body = parseJsonBody(raw, InstallPluginDto, 'invalid request body') as InstallPluginDto;
    return { source: body.source ?? '', sha256: body.sha256 ?? undefined };
  }
}

/** Aborts when the client goes away before the reply is sent. */
function abortedWith(res: Response): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  return controller.signal;
}
