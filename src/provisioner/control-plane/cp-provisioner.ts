import { Logger } from '@nestjs/common';
import { Dispatcher, request } from 'undici';
import type { Clock } from '../../common/clock/clock';
import type { ControlPlaneSettings } from '../../config/app-config';
import { CPProvisioner, WorkspaceStartSpec } from '../provisioner.port';
import { firstJsonObject, readBounded } from './bounded-body';
import { InstanceIds } from './instance-ids.repository';

export interface ControlPlaneOptions extends ControlPlaneSettings {
  readonly orgId: string;
  /** The tenant's ADMIN_TOKEN, sent as `X-Molecule-Admin-Token`. */
  readonly adminToken: string;
  /** Bounds every call, answer included (spec 04 §3.1: 120 s). */
  readonly timeoutMs?: number;
}

const DEFAULT_TIMEOUT_MS = 120_000;
const ANSWER_LIMIT = 64 * 1024;
const CONSOLE_LIMIT = 256 * 1024;
/** A readiness probe waits this long for the control plane. */
const PING_TIMEOUT_MS = 3_000;

interface Answer {
  readonly status: number;
  readonly body: Buffer;
}

/**
 * The control-plane adapter (spec 04 §3): one remote instance per workspace, started,
 * stopped and watched through `{base}/cp/...`. Answers are read bounded; a non-201 provision
 * names the control plane's own `error` field, never its raw body.
 */
export class HttpCPProvisioner extends CPProvisioner {
  private readonly logger = new Logger('CPProvisioner');
  private readonly timeoutMs: number;

  constructor(
    private readonly options: ControlPlaneOptions,
    private readonly instances: InstanceIds,
    private readonly clock: Clock,
  ) {
    super();
    if (!options.orgId) throw new Error('MOLECULE_ORG_ID required for control plane provisioner');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  async start(spec: WorkspaceStartSpec): Promise<string> {
    const body = JSON.stringify({
      org_id: this.options.orgId,
      workspace_id: spec.workspaceId,
      runtime: spec.runtime,
      tier: spec.tier,
      platform_url: spec.platformUrl,
      env: spec.env,
    });
    let answer: Answer;
    try {
      answer = await this.call('POST', '/cp/workspaces/provision', this.provisionHeaders(), {
        body,
        limit: ANSWER_LIMIT,
      });
    } catch (err) {
      throw new Error(`cp provisioner: send: ${describe(err)}`);
    }
    let parsed: { instance_id?: unknown; error?: unknown } = {};
    try {
      parsed = JSON.parse(answer.body.toString('utf8')) as typeof parsed;
    } catch {
      // unstructured: only its size is reported
    }
    if (answer.status === 201)
      return typeof parsed.instance_id === 'string' ? parsed.instance_id : '';
    const message =
      typeof parsed.error === 'string' && parsed.error !== ''
        ? parsed.error
        : `<unstructured body, ${answer.body.length} bytes>`;
    throw new Error(`cp provisioner: provision failed (${answer.status}): ${message}`);
  }

  async stop(workspaceId: string): Promise<void> {
    let instanceId: string;
    try {
      instanceId = await this.instances.instanceId(workspaceId);
    } catch (err) {
      throw new Error(`cp provisioner: stop: resolve instance_id: ${describe(err)}`);
    }
    if (!instanceId) return; // nothing was ever started
    try {
      // Any status counts as done, as in the reference: the control plane owns retries.
      await this.call(
        'DELETE',
        this.workspacePath(workspaceId, '', instanceId),
        this.provisionHeaders(),
      );
    } catch (err) {
      throw new Error(`cp provisioner: stop: ${describe(err)}`);
    }
  }

  async isRunning(workspaceId: string): Promise<boolean> {
    let instanceId: string;
    try {
      instanceId = await this.instances.instanceId(workspaceId);
    } catch (err) {
      return this.unsure(
        workspaceId,
        `cp provisioner: status: resolve instance_id: ${describe(err)}`,
      );
    }
    if (!instanceId) return false;
    let answer: Answer;
    try {
      answer = await this.call(
        'GET',
        this.workspacePath(workspaceId, '/status', instanceId),
        this.provisionHeaders(),
        { limit: ANSWER_LIMIT, readOnlySuccess: true },
      );
    } catch (err) {
      return this.unsure(workspaceId, `cp provisioner: status: ${describe(err)}`);
    }
    if (answer.status < 200 || answer.status > 299) {
      return this.unsure(workspaceId, `cp provisioner: status: unexpected ${answer.status}`);
    }
    try {
      return firstJsonObject(answer.body.toString('utf8')).state === 'running';
    } catch (err) {
      return this.unsure(workspaceId, `cp provisioner: status decode: ${describe(err)}`);
    }
  }

  async getConsoleOutput(workspaceId: string): Promise<string> {
    let answer: Answer;
    try {
      answer = await this.call(
        'GET',
        `/cp/admin/workspaces/${encodeURIComponent(workspaceId)}/console`,
        this.adminHeaders(),
        { limit: CONSOLE_LIMIT, readOnlySuccess: true },
      );
    } catch (err) {
      throw new Error(`cp provisioner: console: ${describe(err)}`);
    }
    if (answer.status < 200 || answer.status > 299) {
      throw new Error(`cp provisioner: console: unexpected ${answer.status}`);
    }
    let output: unknown;
    try {
      output = firstJsonObject(answer.body.toString('utf8')).output;
    } catch (err) {
      throw new Error(`cp provisioner: console decode: ${describe(err)}`);
    }
    return typeof output === 'string' ? output : '';
  }

  async ping(): Promise<boolean> {
    try {
      const res = await request(`${this.options.baseUrl}/`, {
        method: 'GET',
        signal: AbortSignal.timeout(PING_TIMEOUT_MS),
      });
      await res.body.dump();
      return true;
    } catch {
      return false;
    }
  }

  /** `/cp/workspaces/` routes: the provision shared secret. */
  provisionHeaders(): Record<string, string> {
    return this.headers(this.options.sharedSecret);
  }

  /** `/cp/admin/` routes: the admin API key (the shared secret when unset). */
  adminHeaders(): Record<string, string> {
    return this.headers(this.options.adminApiKey);
  }

  private headers(bearer: string): Record<string, string> {
    const headers: Record<string, string> = {};
    if (bearer) headers.authorization = `Bearer ${bearer}`;
    if (this.options.adminToken) headers['x-molecule-admin-token'] = this.options.adminToken;
    return headers;
  }

  private workspacePath(workspaceId: string, suffix: string, instanceId: string): string {
    return `/cp/workspaces/${encodeURIComponent(workspaceId)}${suffix}?instance_id=${encodeURIComponent(instanceId)}`;
  }

  /** Transient trouble must never make a live instance look dead: log, say "running". */
  private unsure(workspaceId: string, reason: string): boolean {
    this.logger.warn({ workspaceId, reason }, 'control-plane status unknown; assuming running');
    return true;
  }

  /**
   * One request under the call timeout, which also bounds reading the answer. Bodies are
   * read up to `limit` (not at all without one; with `readOnlySuccess`, only for a 2xx).
   */
  private async call(
    method: Dispatcher.HttpMethod,
    path: string,
    headers: Record<string, string>,
    opts: { body?: string; limit?: number; readOnlySuccess?: boolean } = {},
  ): Promise<Answer> {
    const abort = new AbortController();
    const timer = this.clock.setTimeout(
      () => abort.abort(new Error(`no answer within ${this.timeoutMs} ms`)),
      this.timeoutMs,
    );
    try {
      const res = await request(`${this.options.baseUrl}${path}`, {
        method,
        headers: opts.body ? { ...headers, 'content-type': 'application/json' } : headers,
        body: opts.body,
        signal: abort.signal,
      });
      const wanted =
        opts.limit !== undefined &&
        (!opts.readOnlySuccess || (res.statusCode >= 200 && res.statusCode <= 299));
      if (!wanted) {
        await res.body.dump();
        return { status: res.statusCode, body: Buffer.alloc(0) };
      }
      return { status: res.statusCode, body: await readBounded(res.body, opts.limit!) };
    } finally {
      timer.cancel();
    }
  }
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  return cause instanceof Error && cause.message !== err.message
    ? `${err.message}: ${cause.message}`
    : err.message;
}
