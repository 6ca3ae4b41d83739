import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { DesiredStateRepository } from '../lifecycle/desired-state.repository';
import { Reconciler } from '../lifecycle/reconciler';
import { TemplateCatalog } from '../templates/template-catalog';
import { WorkspaceRepository } from '../workspace.repository';
import { createTemplate } from './config-templates';
import { ProvisionFailures } from './provision-failures';

/** A newly inserted workspace to start (create, org import, bundle import). */
export interface ProvisionRequest {
  readonly workspaceId: string;
  readonly name: string;
  readonly tier: number;
  readonly runtime: string;
  /** The `template` the caller named ('' for none); resolved as spec 04 §4.10 says. */
  readonly template: string;
  /** The caller's model, for the generated config and `HERMES_DEFAULT_MODEL`. */
  readonly model?: string;
  /** Files written into `/configs` as given (a `config.yaml` here replaces the generated one). */
  readonly configFiles?: Readonly<Record<string, string>>;
}

/**
 * The one entry point that starts a newly inserted workspace. It records what to provision and
 * hands the workspace to the reconciler, which provisions it in the background (the reply does
 * not wait). Without any backend the row is marked `failed` with a clear reason and the reply
 * says so — creation never pretends.
 */
@Injectable()
export class ProvisioningService {
  private readonly logger = new Logger(ProvisioningService.name);

  constructor(
    private readonly backends: ComputeBackends,
    private readonly workspaces: WorkspaceRepository,
    private readonly desired: DesiredStateRepository,
    private readonly templates: TemplateCatalog,
    private readonly reconciler: Reconciler,
    private readonly events: EventEmitter,
  ) {}

  /** Resolves to the status the workspace really has once the request was handed over. */
  async provisionNew(request: ProvisionRequest): Promise<'provisioning' | 'failed'> {
    const { workspaceId, name, runtime, tier, template } = request;
    if (!this.backends.any) {
      await this.workspaces.markProvisionFailed(
        workspaceId,
        ProvisionFailures.noBackend.sampleError,
        { name, runtime, tier, template },
      );
      await this.events.recordAndBroadcast('WORKSPACE_PROVISION_FAILED', workspaceId, {
        error: ProvisionFailures.noBackend.event,
      });
      this.logger.warn({ workspaceId }, 'no compute backend: workspace marked failed');
      return 'failed';
    }
    await this.desired.requestProvision(workspaceId, {
      ...createTemplate(this.templates, template, runtime),
      ...(request.model && { model: request.model }),
      ...(request.configFiles && { configFiles: request.configFiles }),
    });
    this.reconciler.nudge([workspaceId]);
    return 'provisioning';
  }
}
