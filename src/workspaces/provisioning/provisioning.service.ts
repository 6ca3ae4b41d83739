import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { WorkspaceRepository } from '../workspace.repository';

export interface ProvisionRequest {
  readonly workspaceId: string;
  readonly name: string;
  readonly tier: number;
  readonly runtime: string;
  readonly template: string;
  /** The caller's model, for the generated config and `HERMES_DEFAULT_MODEL`. */
  readonly model?: string;
  /** Files written into `/configs` as given (a `config.yaml` here replaces the generated one). */
  readonly configFiles?: Readonly<Record<string, string>>;
}

export const NO_BACKEND_SAMPLE_ERROR =
  'Docker not available — workspace containers require a Docker daemon or external provisioning.';
export const NO_BACKEND_EVENT_ERROR = 'Docker not available on this platform instance';

/**
 * Starts the compute of a newly created workspace. Without any backend the row is marked
 * `failed` with a clear reason and the create reply says so — creation never pretends.
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly workspaces: WorkspaceRepository,
    private readonly events: EventEmitter,
  ) {}

  /** Resolves to the status the workspace really has once the request was handed over. */
  async provisionNew(request: ProvisionRequest): Promise<'provisioning' | 'failed'> {
    if (this.backends.any) {
      // The adapters are wired; the flow that drives them (the lifecycle reconciler) is not
      // yet. Until it is, creation fails as honestly as without a backend.
      this.logger.error({ workspaceId: request.workspaceId }, 'no provisioning flow wired yet');
    }
    const { workspaceId, name, runtime, tier, template } = request;
    await this.workspaces.markProvisionFailed(workspaceId, NO_BACKEND_SAMPLE_ERROR, {
      name,
      runtime,
      tier,
      template,
    });
    await this.events.recordAndBroadcast('WORKSPACE_PROVISION_FAILED', workspaceId, {
      error: NO_BACKEND_EVENT_ERROR,
    });
    this.logger.warn({ workspaceId }, 'no compute backend: workspace marked failed');
    return 'failed';
  }
}
