import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../../common/clock/clock';
import { within } from '../../../common/clock/within';
import { AppConfig } from '../../../config/app-config';
import { EventEmitter } from '../../../events/event-emitter.port';
import { ComputeBackends } from '../../../provisioner/compute-backends';
import {
  CPProvisioner,
  Provisioner,
  WorkspaceAccess,
  WorkspaceStartSpec,
} from '../../../provisioner/provisioner.port';
import { ConfigSources, ProvisionFailure } from '../../provisioning/config-source';
import { ProvisionCredentials } from '../../provisioning/provision-credentials';
import { ProvisionFailures } from '../../provisioning/provision-failures';
import { addBuiltInEnv } from '../../provisioning/workspace-env';
import { WorkspaceTeardown } from '../../provisioning/workspace-teardown';
import { SecretsService } from '../../secrets/secrets.service';
import { ComputeStateRepository } from '../compute-state.repository';
import { ProvisionOptions } from '../provision-options';
import { CycleContext, CycleOutcome, ReconcileAction, ReconcileFailure } from '../reconcile-action';
import { ReconcileRow } from '../reconcile.repository';
import { RestartSnapshot } from '../restart-context';
import { RestartContextDeliveries } from '../restart-context-deliveries';

/** The engine or control plane gets this long to create and start the compute (spec 04 §1). */
export const PROVISION_TIMEOUT_MS = 3 * 60_000;
const PING_TIMEOUT_MS = 10_000;

type Env = Record<string, string>;

const NO_BACKEND: ProvisionFailure = {
  sampleError: ProvisionFailures.noBackend.sampleError,
  event: { error: ProvisionFailures.noBackend.event },
};
/** `reconcile_error` of a provision retried because the engine did not answer. */
export const ENGINE_UNREACHABLE = 'Docker engine unreachable; retrying';

/**
 * → running (spec 04 §4): the provisioning flow. The workspace is marked `provisioning` with
 * no URL, secrets are decrypted and the env assembled, then
 * either the Docker path (config source and preflights, fresh token and inbound secret in
 * `/configs`, start, URL) or the control-plane path (start, instance id). Failures publish
 * canned messages only; the engine's own words are logged. The agent's register brings the
 * workspace online.
 */
@Injectable()
export class ProvisionAction extends ReconcileAction {
  private readonly logger = new Logger(ProvisionAction.name);

  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly backends: ComputeBackends,
    private readonly compute: ComputeStateRepository,
    private readonly secrets: SecretsService,
    private readonly configSources: ConfigSources,
    private readonly credentials: ProvisionCredentials,
    private readonly teardown: WorkspaceTeardown,
    private readonly events: EventEmitter,
    private readonly restartContexts: RestartContextDeliveries,
  ) {
    super();
  }

  async run(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome> {
    const announced = await this.compute.announce(row.id, cycle.owner);
    if (!announced) return 'superseded';
    if (announced.previous !== 'provisioning') {
      await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', row.id, {
        name: row.name,
        tier: row.tier,
        runtime: row.runtime,
      });
    }
    if (row.runtime === 'external') {
      // Its agent runs elsewhere: nothing to start; it is back when it heartbeats.
      await this.compute.externalIdle(row.id, cycle.owner);
      return 'running';
    }
    const { docker, controlPlane } = this.backends;
    if (!controlPlane && !docker) return this.fail(row, cycle, NO_BACKEND);
    if (controlPlane) {
      // The old instance goes first (a failure is only logged, as in the reference). Docker
      // needs no such step: its start replaces any container of the workspace's name.
      await cycle.ensureClaim();
      await this.teardown.stop(row.id);
    }

    const options = row.provision_request ?? {};
    const secrets = await this.secrets.decryptAll(row.id);
    const failed = secrets.failures[0];
    if (failed) {
      const message =
        failed.scope === 'global'
          ? ProvisionFailures.globalSecret
          : ProvisionFailures.workspaceSecret;
      return this.fail(row, cycle, { sampleError: message, event: { error: message } });
    }
    const env: Env = Object.fromEntries(secrets.values);
    const snapshot: RestartSnapshot | undefined = options.restartContext
      ? {
          restartAt: this.clock.now(),
          previousSessionEndedAt: row.last_heartbeat_at,
          envKeys: [...secrets.values.keys()].sort(),
        }
      : undefined;
    addBuiltInEnv(env, {
      name: row.name,
      runtime: row.runtime,
      role: row.role,
      model: options.model,
    });

    const outcome = controlPlane
      ? await this.startRemote(row, cycle, env, controlPlane)
      : await this.startLocal(row, cycle, env, options, docker!);
    if (outcome !== 'running') return outcome;

    await this.compute.consumeOptions(row.id, cycle.owner, row.desired_generation);
    if (snapshot) this.restartContexts.emit(row.id, snapshot);
    return 'running';
  }

  /** Docker path: `/configs` content, credentials, start, URL (spec 04 §4.2). */
  private async startLocal(
    row: ReconcileRow,
    cycle: CycleContext,
    env: Env,
    options: ProvisionOptions,
    docker: Provisioner,
  ): Promise<CycleOutcome> {
    const source = await this.configSources.resolve(
      {
        workspaceId: row.id,
        name: row.name,
        role: row.role,
        tier: row.tier,
        runtime: row.runtime,
        options,
        env,
      },
      docker,
    );
    if (!source.ok) return this.fail(row, cycle, source.failure);

    await cycle.ensureClaim();
    const credentials = await this.credentials.rotate(row.id, cycle.owner);
    if (!credentials) return 'superseded';
    const { token, inboundSecret } = credentials;
    const configFiles: Env = {
      ...source.configFiles,
      '.auth_token': token,
      '.platform_inbound_secret': inboundSecret,
    };
    // The runtime reads `/configs/.auth_token`; the env copy serves the instructions client
    // (spec 08 Q19), which only reads `MOLECULE_WORKSPACE_TOKEN`.
    const spec = this.startSpec(
      row,
      { ...env, MOLECULE_WORKSPACE_TOKEN: token },
      {
        templatePath: source.templatePath,
        configFiles,
        resetSession: options.resetSession === true,
      },
    );

    await cycle.ensureClaim();
    let url: string;
    try {
      url = await within(this.clock, docker.start(spec), PROVISION_TIMEOUT_MS);
    } catch (err) {
      this.logger.error({ workspaceId: row.id, err: String(err) }, 'container start failed');
      // The engine may be down (it may also come up after the server): asked only now, so a
      // busy engine's slow ping never fails a provision that would have worked.
      if (!(await this.reachable(docker))) return this.engineUnreachable(row, cycle);
      // Nothing is left running: a half-created container goes with the failure.
      await this.teardown.stop(row.id);
      return this.fail(row, cycle, {
        sampleError: ProvisionFailures.dockerStart,
        event: { error: ProvisionFailures.dockerStart },
      });
    }
    if (url !== '') await this.compute.startedLocal(row.id, cycle.owner, url);
    return 'running';
  }

  /**
   * Control-plane path (spec 04 §4.8): the VM gets its env from the control plane; the inbound
   * secret is only stored (the VM has no `/configs` we write); its token comes with its first
   * register.
   */
  private async startRemote(
    row: ReconcileRow,
    cycle: CycleContext,
    env: Env,
    controlPlane: CPProvisioner,
  ): Promise<CycleOutcome> {
    await cycle.ensureClaim();
    await this.credentials.mintInboundSecret(row.id, cycle.owner);
    let instanceId: string;
    try {
      instanceId = await within(
        this.clock,
        controlPlane.start(this.startSpec(row, env, {})),
        PROVISION_TIMEOUT_MS,
      );
    } catch (err) {
      this.logger.error(
        { workspaceId: row.id, err: String(err) },
        'control-plane provision failed',
      );
      return this.fail(row, cycle, {
        sampleError: ProvisionFailures.controlPlaneStart,
        event: { error: ProvisionFailures.controlPlaneStart },
      });
    }
    await this.compute.startedRemote(row.id, cycle.owner, instanceId);
    return 'running';
  }

  private startSpec(
    row: ReconcileRow,
    env: Env,
    extra: Pick<WorkspaceStartSpec, 'templatePath' | 'configFiles' | 'resetSession'>,
  ): WorkspaceStartSpec {
    const namespace = row.awareness_namespace || `workspace:${row.id}`;
    const workspaceDir = row.workspace_dir || this.config.workspaceDir || undefined;
    return {
      workspaceId: row.id,
      name: row.name,
      tier: row.tier,
      runtime: row.runtime,
      platformUrl: this.config.platformUrl,
      env,
      workspaceDir,
      workspaceAccess: (row.workspace_access || 'none') as WorkspaceAccess,
      awareness: this.config.awarenessUrl
        ? { url: this.config.awarenessUrl, namespace }
        : undefined,
      ...extra,
    };
  }

  /** Whether the engine answers right now (checked per provision, never cached). */
  private async reachable(docker: Provisioner): Promise<boolean> {
    try {
      return await within(this.clock, docker.ping(), PING_TIMEOUT_MS);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'Docker engine ping failed');
      return false;
    }
  }

  /**
   * The engine did not answer: the workspace is `failed` with the canned reason for now, and
   * the cycle is a failed attempt, retried with backoff until the engine answers — a workspace
   * that failed only because Docker was away comes back by itself once it is back.
   */
  private async engineUnreachable(row: ReconcileRow, cycle: CycleContext): Promise<CycleOutcome> {
    if ((await this.fail(row, cycle, NO_BACKEND)) === 'superseded') return 'superseded';
    throw new ReconcileFailure(ENGINE_UNREACHABLE);
  }

  private async fail(
    row: ReconcileRow,
    cycle: CycleContext,
    failure: ProvisionFailure,
  ): Promise<CycleOutcome> {
    if (!(await this.compute.fail(row.id, cycle.owner, failure.sampleError))) return 'superseded';
    await this.events.recordAndBroadcast('WORKSPACE_PROVISION_FAILED', row.id, failure.event);
    return 'failed';
  }
}
