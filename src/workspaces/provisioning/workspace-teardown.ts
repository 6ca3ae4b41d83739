import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { ComputeBackends } from '../../provisioner/compute-backends';

/** A backend call that has not answered by then counts as failed (spec 04 §6: 30 s cleanup). */
export const TEARDOWN_CALL_TIMEOUT_MS = 30_000;

/**
 * Stops the compute of removed workspaces, on the backend that provisioned them (control
 * plane if wired, else Docker — spec 04 §4.1). Control plane: terminate the remote instance
 * (the reference never did; spec 00 decision). Docker: stop, and remove the config volume only
 * when the stop worked (a running container keeps it "in use"; the orphan sweeper retries).
 */
@Injectable()
export class WorkspaceTeardown {
  private readonly logger = new Logger(WorkspaceTeardown.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly clock: Clock,
  ) {}

  /**
   * Returns `stop <id>: stop failed` when the stop failed or hung. The backend's own error
   * text is logged, never returned (it may carry daemon or control-plane internals).
   */
  async stop(workspaceId: string): Promise<string | undefined> {
    const { docker, controlPlane } = this.backends;
    try {
      if (controlPlane) {
        await this.bounded(controlPlane.stop(workspaceId));
      } else if (docker) {
        await this.bounded(docker.stop(workspaceId));
        await this.bounded(docker.removeVolume(workspaceId)).catch((err) => {
          this.logger.warn({ workspaceId, err: String(err) }, 'volume removal failed');
        });
      }
      return undefined;
    } catch (err) {
      this.logger.error({ workspaceId, err: String(err) }, 'stopping workspace compute failed');
      return `stop ${workspaceId}: stop failed`;
    }
  }

  /** A hung daemon or control plane must not hold the DELETE request forever. */
  private bounded<T>(call: Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const timer = this.clock.setTimeout(
        () => reject(new Error(`no answer within ${TEARDOWN_CALL_TIMEOUT_MS} ms`)),
        TEARDOWN_CALL_TIMEOUT_MS,
      );
      call.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (err: unknown) => {
          timer.cancel();
          reject(err);
        },
      );
    });
  }
}
