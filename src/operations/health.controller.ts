import { Controller, Get, Res } from '@nestjs/common';
import type { Response } from 'express';
import { MetricsRegistry } from '../common/metrics/metrics-registry';
import { ApiTag } from '../common/openapi/tags';
import { OperationsApi } from './operations.api';

@ApiTag('operations')
@Controller()
export class HealthController {
  constructor(private readonly metrics: MetricsRegistry) {}

  /** No dependency checks: answers as long as the process serves HTTP. */
  @OperationsApi.health
  @Get('health')
  health(): { status: string } {
    return { status: 'ok' };
  }

  /** Prometheus text format 0.0.4, written raw so Express leaves the content type alone. */
  @OperationsApi.metrics
  @Get('metrics')
  async prometheus(@Res() res: Response): Promise<void> {
    const text = await this.metrics.registry.metrics();
    res.setHeader('Content-Type', 'text/plain; version=0.0.4; charset=utf-8');
    res.status(200).end(text);
  }
}
