import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { within } from '../../common/clock/within';
import { ComputeBackends } from '../../provisioner/compute-backends';

/** A backend call that has not answered by then counts as failed (spec 04 §6: 30 s cleanup). */
export const TEARDOWN_CALL_TIMEOUT_MS = 30_000;

/**
 * Stops workspace compute on the backend that provisioned it (control plane if wired, else
 * Docker — spec 04 §4.1). Control plane: terminate the remote instance (the reference never did
 * for delete, pause or hibernate; spec 00 decision). Docker: force-remove the container; on
 * removal also drop the config volume, only when the stop worked (a running container keeps it
 * "in use"; the retry or the orphan sweeper gets it later).
 *
 * Each answers `stop <id>: stop failed` when the stop failed or hung. The backend's own error
 * text is logged, never returned (it may carry daemon or control-plane internals).
 */
@Injectable()
export class WorkspaceTeardown {
  private readonly logger = new Logger(WorkspaceTeardown.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly clock: Clock,
  ) {}

  /** Stops the compute and keeps its volumes (pause, hibernate, before a re-provision). */
  stop(workspaceId: string): Promise<string | undefined> {
    return this.run(workspaceId, false);
  }

  /** Stops the compute and removes its config volume (delete). */
  remove(workspaceId: string): Promise<string | undefined> {
    return this.run(workspaceId, true);
  }

  private async run(workspaceId: string, dropVolume: boolean): Promise<string | undefined> {
    const { docker, controlPlane } = this.backends;
    try {
      if (controlPlane) {
        await this.bounded(controlPlane.stop(workspaceId));
      } else if (docker) {
        await this.bounded(docker.stop(workspaceId));
        if (dropVolume) {
          await this.bounded(docker.removeVolume(workspaceId)).catch((err) => {
            this.logger.warn({ workspaceId, err: String(err) }, 'volume removal failed');
          });
        }
      }
      return undefined;
    } catch (err) {
      this.logger.error({ workspaceId, err: String(err) }, 'stopping workspace compute failed');
      return `stop ${workspaceId}: stop failed`;
    }
  }

  private bounded<T>(call: Promise<T>): Promise<T> {
    return within(this.clock, call, TEARDOWN_CALL_TIMEOUT_MS);
  }
}
