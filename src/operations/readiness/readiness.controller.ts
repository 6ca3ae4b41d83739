import { Controller, Get, Logger, Res, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { ApiTag } from '../../common/openapi/tags';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { OperationsApi } from '../operations.api';
import { DependencyChecks } from './dependency-checks';

/**
 * `GET /ready` — readiness, for load balancers and orchestrators (`/health` stays the bare
 * liveness answer). 200 with every dependency's state while the database answers (`status`
 * `ok`, or `degraded` when the compute backend does not); 503 with the same body shape when
 * it does not (`status` `error`), or once shutdown has begun (`shutting_down`).
 */
@ApiTag('operations')
@Controller()
export class ReadinessController {
  private readonly logger = new Logger(ReadinessController.name);
  private lastStatus: HealthCheckResult['status'] | undefined;

  constructor(
    private readonly health: HealthCheckService,
    private readonly checks: DependencyChecks,
    private readonly shutdown: ShutdownSignal,
  ) {}

  @OperationsApi.ready
  @Get('ready')
  async ready(@Res() res: Response): Promise<void> {
    // Terminus says shutting_down only once the app closes, after the listener is gone: while
    // connections drain, a balancer probing a kept-alive connection must already see 503.
    if (this.shutdown.draining) {
      res.status(503).json({ status: 'shutting_down', info: {}, error: {}, details: {} });
      return;
    }
    let result: HealthCheckResult;
    try {
      result = await this.health.check(this.checks.all());
    } catch (err) {
      if (!(err instanceof ServiceUnavailableException)) throw err;
      result = err.getResponse() as HealthCheckResult;
    }
    this.noteTransition(result);
    res.status(result.status === 'ok' || result.status === 'degraded' ? 200 : 503).json(result);
  }

  /** One log line when readiness changes, not one per probe. */
  private noteTransition(result: HealthCheckResult): void {
    if (result.status === this.lastStatus) return;
    const first = this.lastStatus === undefined;
    this.lastStatus = result.status;
    if (result.status === 'ok') {
      if (!first) this.logger.log({ details: result.details }, 'ready again');
      return;
    }
    this.logger.warn({ status: result.status, details: result.details }, 'readiness changed');
  }
}
