import { Controller, Get, HttpCode, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { Request, Response } from 'express';
import { pipeline } from 'node:stream/promises';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { readBody } from '../../common/http/read-body';
import { AdminMemoriesService, ImportSummary } from './admin-memories.service';
import { ApiTag } from '../../common/openapi/tags';
import { AdminMemoriesApi } from '../memories.api';

/** A restore may carry a whole export, far beyond the 4 MiB of ordinary JSON bodies. */
export const MAX_IMPORT_BYTES = 64 * 1024 * 1024;

@ApiTag('memories')
@Controller('admin/memories')
@UseGuards(AdminAuthGuard)
export class AdminMemoriesController {
  private readonly logger = new Logger(AdminMemoriesController.name);

  constructor(private readonly memories: AdminMemoriesService) {}

  @AdminMemoriesApi.export
  @Get('export')
  async export(@Res() res: Response): Promise<void> {
    const body = await this.memories.export();
    res.status(200).setHeader('Content-Type', 'application/json; charset=utf-8');
    try {
      await pipeline(body, res);
    } catch (err) {
      // Headers are out: breaking the stream off is how the client learns it is incomplete.
      this.logger.error({ err }, 'memory export broke off');
      res.destroy();
    }
  }

  @AdminMemoriesApi.import
  @Post('import')
  @HttpCode(200)
  async import(@Req() req: Request): Promise<ImportSummary> {
    return this.memories.import(await readBody(req, MAX_IMPORT_BYTES));
  }
}
