import { Controller, HttpCode, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { badRequest, internalError } from '../../common/http/api-error';
import { firstValue } from '../../common/http/query-params';
import {
  ContainerListError,
  ImageRefresh,
  RefreshResult,
} from '../../provisioner/images/image-refresh.service';
import { IMAGE_RUNTIMES } from '../../provisioner/images/workspace-runtimes';
import { DockerOnlyGuard } from './docker-only.guard';
import { ApiTag } from '../../common/openapi/tags';
import { CONTAINER_LIST_ERROR, WorkspaceImagesApi } from './workspace-images.api';

/**
 * `POST /admin/workspace-images/refresh` (spec 04 §8): pulls the latest workspace images and
 * removes the containers created from them; the health sweep brings each back on the new
 * image. `?stream=true` (our addition) streams the progress as newline-delimited JSON, the
 * last line being the same object the plain call answers.
 */
@ApiTag('images')
@Controller('admin/workspace-images')
@UseGuards(DockerOnlyGuard, AdminAuthGuard)
export class WorkspaceImagesController {
  constructor(private readonly images: ImageRefresh) {}

  @WorkspaceImagesApi
  @Post('refresh')
  @HttpCode(200)
  async refresh(@Query() query: Record<string, unknown>, @Res() res: Response): Promise<void> {
    const runtime = firstValue(query.runtime) ?? '';
    if (runtime !== '' && !IMAGE_RUNTIMES.includes(runtime)) {
      throw badRequest(`unknown runtime: ${runtime}`, { known_runtimes: IMAGE_RUNTIMES });
    }
    const runtimes = runtime === '' ? IMAGE_RUNTIMES : [runtime];
    const recreateParam = firstValue(query.recreate);
    const recreate = recreateParam === undefined || recreateParam === 'true';

    if (firstValue(query.stream) === 'true') {
      await this.streamed(res, runtimes, recreate);
      return;
    }
    try {
      res.status(200).json(await this.images.refresh(runtimes, recreate));
    } catch (err) {
      if (err instanceof ContainerListError) throw listFailure(err.partial);
      throw err;
    }
  }

  private async streamed(res: Response, runtimes: readonly string[], recreate: boolean) {
    res.status(200).setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.flushHeaders();
    const line = (value: unknown) => res.write(`${JSON.stringify(value)}\n`);
    try {
      line(await this.images.refresh(runtimes, recreate, line));
    } catch (err) {
      line(
        err instanceof ContainerListError
          ? listFailure(err.partial).body
          : { error: 'image refresh failed' },
      );
    }
    res.end();
  }
}

function listFailure(partial: RefreshResult) {
  return internalError(CONTAINER_LIST_ERROR, { partial_result: partial });
}
