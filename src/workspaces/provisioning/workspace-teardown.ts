import { Injectable, Logger } from '@nestjs/common';
import { ComputeBackends } from '../../provisioner/compute-backends';

/**
 * Stops the compute of removed workspaces. Docker: stop, and remove the config volume only
 * when the stop worked (a running container keeps it "in use"; the orphan sweeper retries).
 * Control plane: terminate the remote instance (the reference never did; spec 00 decision).
 */
@Injectable()
export class WorkspaceTeardown {
  private readonly logger = new Logger(WorkspaceTeardown.name);

  constructor(private readonly backends: ComputeBackends) {}

  /**
   * Returns `stop <id>: stop failed` when the stop failed. The backend's own error text is
   * logged, never returned (it may carry daemon or control-plane internals).
   */
  async stop(workspaceId: string): Promise<string | undefined> {
    const { docker, controlPlane } = this.backends;
    try {
      if (docker) {
        await docker.stop(workspaceId);
        await docker.removeVolume(workspaceId).catch((err) => {
          this.logger.warn({ workspaceId, err: String(err) }, 'volume removal failed');
        });
      } else if (controlPlane) {
        await controlPlane.stop(workspaceId);
      }
      return undefined;
    } catch (err) {
      this.logger.error({ workspaceId, err: String(err) }, 'stopping workspace compute failed');
      return `stop ${workspaceId}: stop failed`;
    }
  }
}
