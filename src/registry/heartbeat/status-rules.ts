import { WorkspaceStatus } from '../../database/entities';

/** What a heartbeat reports about health (after defaults are applied). */
export interface HealthReport {
  readonly errorRate: number;
  readonly sampleError: string;
  readonly runtimeState: string;
  /** Task-push heartbeats carry no health data; they must not count as "recovered". */
  readonly partial: boolean;
}

/** A status change a heartbeat implies, applied only if the row still has status `from`. */
export interface Transition {
  readonly from: WorkspaceStatus;
  readonly to: WorkspaceStatus;
  readonly event: 'WORKSPACE_DEGRADED' | 'WORKSPACE_ONLINE';
  readonly payload: Record<string, unknown>;
}

export const DEGRADE_ERROR_RATE = 0.5;
export const RECOVER_ERROR_RATE = 0.1;

/**
 * The status rules of spec 02 §3.3, as one decision (so one event per transition — the
 * reference could emit two degrade events for one heartbeat):
 * - the adapter's own `wedged` report degrades an online workspace (never gated);
 * - otherwise, unless the adapter manages its status natively (`status_mgmt`), an error
 *   rate ≥ 0.5 degrades and < 0.1 with a clean runtime state recovers;
 * - an offline or provisioning workspace that heartbeats is online again.
 * `failed`, `paused`, `hibernated`, `removed`, `awaiting_agent` are never changed here.
 */
export function statusTransition(
  current: WorkspaceStatus | null,
  report: HealthReport,
  nativeStatusManagement: boolean,
): Transition | undefined {
  const inferred = !nativeStatusManagement && !report.partial;
  switch (current) {
    case 'online':
      if (report.runtimeState === 'wedged') {
        return degrade({ runtime_state: 'wedged', sample_error: report.sampleError });
      }
      if (inferred && report.errorRate >= DEGRADE_ERROR_RATE) {
        return degrade({ error_rate: report.errorRate, sample_error: report.sampleError });
      }
      return undefined;
    case 'degraded':
      if (inferred && report.errorRate < RECOVER_ERROR_RATE && report.runtimeState === '') {
        return { from: 'degraded', to: 'online', event: 'WORKSPACE_ONLINE', payload: {} };
      }
      return undefined;
    case 'offline':
      return { from: 'offline', to: 'online', event: 'WORKSPACE_ONLINE', payload: {} };
    case 'provisioning':
      return {
        from: 'provisioning',
        to: 'online',
        event: 'WORKSPACE_ONLINE',
        payload: { recovered_from: 'provisioning' },
      };
    default:
      return undefined;
  }
}

function degrade(payload: Record<string, unknown>): Transition {
  return { from: 'online', to: 'degraded', event: 'WORKSPACE_DEGRADED', payload };
}
