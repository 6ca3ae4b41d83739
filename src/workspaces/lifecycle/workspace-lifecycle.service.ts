import { Injectable, Logger } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import { within } from '../../common/clock/within';
import {
  badGateway,
  conflict,
  notFound,
  notImplemented,
  serviceUnavailable,
} from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { lastBytes, truncateBytes } from '../../common/text/truncate';
import { Database, Queryable } from '../../database/database.service';
import { EventEmitter } from '../../events/event-emitter.port';
import { ComputeBackends } from '../../provisioner/compute-backends';
import { restartTemplate } from '../provisioning/config-templates';
import { goQuote } from '../../common/text/go-quote';
import { KNOWN_RUNTIMES } from '../templates/default-config';
import { TemplateCatalog } from '../templates/template-catalog';
import { WorkspaceRepository } from '../workspace.repository';
import { DesiredStateRepository } from './desired-state.repository';
import { ProvisionOptions } from './provision-options';
import { Reconciler } from './reconciler';

/** `POST /workspaces/:id/restart` body (spec 01 §3.7); fields of the wrong type are ignored. */
export interface RestartBody {
  readonly template?: string;
  readonly apply_template?: boolean;
  readonly reset?: boolean;
  readonly rebuild_config?: boolean;
}

/** `POST /admin/workspaces/:id/bootstrap-failed` body (spec 04 §4.9). */
export interface BootstrapFailure {
  readonly error?: string;
  readonly log_tail?: string;
}

const BOOTSTRAP_LIMIT_BYTES = 8192;
const CONFIG_READ_TIMEOUT_MS = 10_000;
const CONSOLE_TIMEOUT_MS = 120_000;

/**
 * The lifecycle endpoints (spec 01 §3.7–§3.13, spec 04 §4.9, §5): each checks the request,
 * writes the desire (and the status the contract shows at once), and nudges the reconciler,
 * which does the work on the engine or control plane.
 */
@Injectable()
export class WorkspaceLifecycleService {
  private readonly logger = new Logger(WorkspaceLifecycleService.name);

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly backends: ComputeBackends,
    private readonly desired: DesiredStateRepository,
    private readonly workspaces: WorkspaceRepository,
    private readonly templates: TemplateCatalog,
    private readonly reconciler: Reconciler,
    private readonly events: EventEmitter,
  ) {}

  async restart(
    id: string,
    body: RestartBody,
    resetQuery: boolean,
  ): Promise<Record<string, unknown>> {
    const target = await this.lookup(id);
    // Removed is final here: an in-flight request can never resurrect a deleted workspace.
    if (!target || target.status === 'removed') throw notFound('workspace not found');
    await this.refuseUnderPausedAncestor(id);
    if (!this.backends.any) throw serviceUnavailable('provisioner not available');

    const fromContainer = await this.containerRuntime(id);
    const runtime = fromContainer && fromContainer !== target.runtime ? fromContainer : undefined;
    const choice = restartTemplate(this.templates, {
      template: body.template,
      applyTemplate: body.apply_template === true,
      rebuildConfig: body.rebuild_config === true,
      workspaceName: target.name,
      runtime: target.runtime,
    });
    const reset = resetQuery || body.reset === true;
    const options: ProvisionOptions = {
      restartContext: true,
      ...(choice.template !== undefined && { template: choice.template }),
      ...(reset && { resetSession: true }),
    };
    const accepted = await orInternalError(
      this.desired.restart(id, options, runtime ?? null),
      'lookup failed',
      this.logger,
    );
    if (!accepted) throw notFound('workspace not found');
    await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', id, {
      name: target.name,
      tier: target.tier,
      runtime: runtime ?? target.runtime,
    });
    this.reconciler.nudge([id]);
    return { status: 'provisioning', config_dir: choice.label, reset_session: reset };
  }

  async pause(id: string): Promise<Record<string, unknown>> {
    const target = await this.lookup(id);
    if (!target || target.status === 'removed' || target.status === 'paused') {
      throw notFound('workspace not found or already paused');
    }
    const paused = await this.inSubtree(
      id,
      (root) => this.desired.pausableDescendants(root),
      (tx, ids) => this.desired.pause(tx, ids),
    );
    for (const row of orderRootFirst(paused, id)) {
      await this.events.recordAndBroadcast('WORKSPACE_PAUSED', row.id, { name: row.name });
    }
    this.reconciler.nudge(paused.map((r) => r.id));
    return { status: 'paused', paused_count: paused.length };
  }

  async resume(id: string): Promise<Record<string, unknown>> {
    const target = await this.lookup(id);
    if (!target || target.status !== 'paused') throw notFound('workspace not found or not paused');
    if (!this.backends.any) throw serviceUnavailable('provisioner not available');
    await this.refuseUnderPausedAncestor(id);
    const resumed = await this.inSubtree(
      id,
      (root) => this.desired.pausedDescendants(root),
      (tx, ids) => this.desired.resume(tx, ids),
    );
    for (const row of orderRootFirst(resumed, id)) {
      await this.events.recordAndBroadcast('WORKSPACE_PROVISIONING', row.id, {
        name: row.name,
        tier: row.tier,
        runtime: row.runtime,
      });
    }
    this.reconciler.nudge(resumed.map((r) => r.id));
    return { status: 'provisioning', resumed_count: resumed.length };
  }

  async hibernateOnRequest(id: string, force: boolean): Promise<Record<string, unknown>> {
    const target = await this.lookup(id);
    if (!target || (target.status !== 'online' && target.status !== 'degraded')) {
      throw notFound(
        'workspace not found or not in a hibernatable state (must be online or degraded)',
      );
    }
    if (target.active_tasks > 0 && !force) {
      throw conflict('workspace has active tasks; use ?force=true to terminate them', {
        active_tasks: target.active_tasks,
      });
    }
    await orInternalError(this.hibernate(id, force), 'lookup failed', this.logger);
    return { status: 'hibernated' };
  }

  /**
   * Hibernates an online or degraded workspace (also the idle monitor's action). The claim is
   * atomic: of concurrent attempts one wins. Without `force` a busy workspace is left alone.
   * Returns whether this call claimed it.
   */
  async hibernate(id: string, force = false): Promise<boolean> {
    const claimed = await this.desired.hibernate(id, force);
    if (claimed) this.reconciler.nudge([id]);
    return claimed;
  }

  /**
   * Wakes a hibernated workspace (the A2A proxy, on the next message): it provisions again.
   * Returns false when it was not hibernated (already waking, or something else).
   */
  async wake(id: string): Promise<boolean> {
    const woken = await this.desired.wake(id);
    if (woken) this.reconciler.nudge([id]);
    return woken;
  }

  async consoleOutput(id: string): Promise<Record<string, unknown>> {
    const controlPlane = this.backends.controlPlane;
    if (!controlPlane) {
      throw notImplemented('console output unavailable on this deployment (no control plane)');
    }
    try {
      return {
        output: await within(this.clock, controlPlane.getConsoleOutput(id), CONSOLE_TIMEOUT_MS),
      };
    } catch (err) {
      this.logger.error({ workspaceId: id, err: String(err) }, 'console output fetch failed');
      throw badGateway('control plane returned an error fetching console output');
    }
  }

  async bootstrapFailed(id: string, body: BootstrapFailure): Promise<Record<string, unknown>> {
    const tail = lastBytes(body.log_tail ?? '', BOOTSTRAP_LIMIT_BYTES, '...(truncated)...\n');
    const error = (body.error ?? '').trim() || 'bootstrap failed — see log_tail';
    const stored = truncateBytes(
      tail === '' ? error : `${error}\n\n${tail}`,
      BOOTSTRAP_LIMIT_BYTES,
      '',
    );
    const changed = await orInternalError(
      this.workspaces.markBootstrapFailed(id, stored),
      'db update failed',
      this.logger,
    );
    if (!changed) return { ok: true, no_change: true };
    await this.events.recordAndBroadcast('WORKSPACE_PROVISION_FAILED', id, {
      error,
      log_tail: tail,
      source: 'bootstrap_watcher',
    });
    return { ok: true };
  }

  /** Writes the change for the workspace and the descendants it reaches, in one transaction. */
  private async inSubtree<T>(
    id: string,
    descendantsOf: (id: string) => Promise<string[]>,
    write: (tx: Queryable, ids: string[]) => Promise<T[]>,
  ): Promise<T[]> {
    const descendants = await orInternalError(descendantsOf(id), 'lookup failed', this.logger);
    return orInternalError(
      this.db.transaction((tx) => write(tx, [id, ...descendants])),
      'lookup failed',
      this.logger,
    );
  }

  private lookup(id: string) {
    return orInternalError(this.desired.target(id), 'lookup failed', this.logger);
  }

  private async refuseUnderPausedAncestor(id: string): Promise<void> {
    const paused = await orInternalError(
      this.desired.pausedAncestor(id),
      'lookup failed',
      this.logger,
    );
    if (paused !== undefined) {
      throw conflict(`parent workspace ${goQuote(paused)} is paused — resume it first`);
    }
  }

  /**
   * The runtime the container's `/configs/config.yaml` names (spec 04 §5.1 step 4): the user
   * may have switched it in the config editor. Only a known runtime is taken — the file is the
   * agent's to write. Docker only; any failure means "no override".
   */
  private async containerRuntime(id: string): Promise<string | undefined> {
    const docker = this.backends.docker;
    if (!docker || this.backends.controlPlane) return undefined;
    let text: string;
    try {
      const file = await within(
        this.clock,
        docker.readConfigFile(id, 'config.yaml'),
        CONFIG_READ_TIMEOUT_MS,
      );
      if (!file) return undefined;
      text = file.toString('utf8');
    } catch (err) {
      this.logger.warn({ workspaceId: id, err: String(err) }, 'reading config.yaml failed');
      return undefined;
    }
    const line = text
      .split('\n')
      .map((l) => l.trim())
      .find((l) => l.startsWith('runtime:'));
    const runtime = line?.slice('runtime:'.length).trim();
    return runtime && runtime !== 'external' && KNOWN_RUNTIMES.includes(runtime)
      ? runtime
      : undefined;
  }
}

/** The root's event first, then its subtree's, as the reference announces them. */
function orderRootFirst<T extends { id: string }>(rows: readonly T[], rootId: string): T[] {
  return [...rows.filter((r) => r.id === rootId), ...rows.filter((r) => r.id !== rootId)];
}
