import { Controller, Get, Param, Patch, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { WorkspaceAuthGuard } from '../common/auth/workspace-auth.guard';
import { badRequest, payloadTooLarge } from '../common/http/api-error';
import { isPlainObject } from '../common/http/json-body.decorator';
import { jsonText } from '../common/http/json-text';
import { readBody } from '../common/http/read-body';
import { WorkspaceIdPipe } from '../common/http/uuid';
import { WorkspaceConfigService } from './workspace-config.service';
import { ApiTag } from '../common/openapi/tags';
import { WorkspaceConfigApi } from './files.api';

export const CONFIG_PATCH_LIMIT = 256 * 1024;

/** The JSON config blob of a workspace (spec 07 §9), not its config.yaml. */
@ApiTag('files')
@Controller('workspaces/:id/config')
@UseGuards(WorkspaceAuthGuard)
export class WorkspaceConfigController {
  constructor(private readonly configs: WorkspaceConfigService) {}

  @WorkspaceConfigApi.get
  @Get()
  get(@Param('id', WorkspaceIdPipe) id: string) {
    return this.configs.get(id);
  }

  @WorkspaceConfigApi.patch
  @Patch()
  async patch(@Param('id', WorkspaceIdPipe) id: string, @Req() req: Request) {
    const raw = await readBody(req, CONFIG_PATCH_LIMIT).catch(() => {
      throw payloadTooLarge('body too large or unreadable');
    });
    let text: string;
    let parsed: unknown;
    try {
      // Text PostgreSQL cannot store, or nesting no one can walk, is not JSON this route takes.
      text = jsonText(raw);
      parsed = JSON.parse(text);
    } catch {
      throw badRequest('invalid JSON');
    }
    // `||` with an array or a scalar would turn the stored object into something else.
    if (!isPlainObject(parsed)) throw badRequest('invalid JSON');
    // The text itself is stored: PostgreSQL keeps numbers JavaScript would round.
    await this.configs.merge(id, text);
    return { status: 'updated' };
  }
}
