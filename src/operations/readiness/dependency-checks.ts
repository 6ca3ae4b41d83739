import { Injectable, Logger } from '@nestjs/common';
import {
  HealthIndicatorFunction,
  HealthIndicatorResult,
  HealthIndicatorService,
} from '@nestjs/terminus';
import { Database, sql } from '../../database/database.service';
import { ComputeBackends } from '../../provisioner/compute-backends';

/** A database that has not answered `SELECT 1` by then is reported down. */
export const DATABASE_CHECK_TIMEOUT_MS = 3_000;

const PING = sql('operations.ready_ping', 'SELECT 1');

/**
 * What `/ready` checks: the database always — without it nothing works, so it is the one
 * check that can fail readiness — and the compute backend this instance drives (Docker, or
 * the control plane), which only degrades it: the API still serves, and provisions fail with
 * a clear status until the backend answers again. Failure texts are canned: the probe is
 * unauthenticated, so internal error text stays in the logs.
 */
@Injectable()
export class DependencyChecks {
  private readonly logger = new Logger(DependencyChecks.name);

  constructor(
    private readonly indicator: HealthIndicatorService,
    private readonly db: Database,
    private readonly backends: ComputeBackends,
  ) {}

  all(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [() => this.database()];
    const { docker, controlPlane } = this.backends;
    if (docker) checks.push(() => this.reachable('docker', () => docker.ping()));
    if (controlPlane) checks.push(() => this.reachable('control_plane', () => controlPlane.ping()));
    return checks;
  }

  private async database(): Promise<HealthIndicatorResult> {
    return this.indicator
      .check('database')
      .attempt(async () => {
        try {
          await this.db.query(PING);
        } catch (err) {
          this.logger.debug({ err: String(err) }, 'database readiness check failed');
          throw new Error('database unreachable');
        }
      })
      .withTimeout(DATABASE_CHECK_TIMEOUT_MS);
  }

  private async reachable(
    key: 'docker' | 'control_plane',
    ping: () => Promise<boolean>,
  ): Promise<HealthIndicatorResult> {
    const session = this.indicator.check(key);
    return (await ping())
      ? session.up()
      : session.degraded({ message: 'not reachable; provisioning fails until it is' });
  }
}
