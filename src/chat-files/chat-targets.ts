import { Injectable, Logger } from '@nestjs/common';
import { badGateway, notFound, serviceUnavailable } from '../common/http/api-error';
import { orInternalError } from '../common/http/or-internal-error';
import { UrlVerdicts } from '../common/ssrf/url-verdicts';
import { ComputeBackends } from '../provisioner/compute-backends';
import {
  FileStoreUnavailable,
  WorkspaceFiles,
  WorkspaceFileStore,
} from '../provisioner/workspace-file-store';
import { ChatTarget, ChatTargetRepository } from './chat-target.repository';

/** A workspace the platform can call: its URL passed the outbound guard, it holds a secret. */
export interface ReachableTarget {
  readonly url: string;
  readonly secret: string;
}

/**
 * Looks up the workspace a chat-file route is about and decides how to reach it: the engine
 * (a local Docker workspace) or its own HTTP endpoints with the inbound secret.
 */
@Injectable()
export class ChatTargets {
  private readonly logger = new Logger(ChatTargets.name);

  constructor(
    private readonly targets: ChatTargetRepository,
    private readonly backends: ComputeBackends,
    private readonly verdicts: UrlVerdicts,
    private readonly store: WorkspaceFileStore,
  ) {}

  async find(workspaceId: string): Promise<ChatTarget> {
    const target = await orInternalError(
      this.targets.find(workspaceId),
      'lookup failed',
      this.logger,
    );
    if (!target) throw notFound('workspace not found');
    return target;
  }

  /**
   * The running container's files of a local workspace; `null` when none runs, `'unavailable'`
   * when there is no engine to ask. The caller closes what it gets.
   */
  async openContainer(
    workspaceId: string,
    target: ChatTarget,
  ): Promise<WorkspaceFiles | null | 'unavailable'> {
    try {
      return await this.store.open({ workspaceId, runtime: target.runtime, volume: 'none' });
    } catch (err) {
      if (!(err instanceof FileStoreUnavailable))
        this.logger.warn({ err, workspaceId }, 'could not reach the workspace container');
      return 'unavailable';
    }
  }

  /**
   * A workspace whose files this platform reaches through its Docker engine: no control-plane
   * instance, not an external agent (which has no container).
   */
  isLocal(target: ChatTarget): boolean {
    return target.instance_id === '' && target.runtime !== 'external';
  }

  /** Whether this instance has a Docker engine wired at all. */
  get hasDocker(): boolean {
    return this.backends.docker !== null;
  }

  /** The URL and secret to call the workspace with, in the contract's order of refusals. */
  async reachable(workspaceId: string, target: ChatTarget): Promise<ReachableTarget> {
    if (target.url === '') throw serviceUnavailable('workspace url not registered yet');
    if (target.platform_inbound_secret === null || target.platform_inbound_secret === '')
      throw serviceUnavailable('workspace not yet enrolled in v2 upload (RFC #2312)', {
        detail: "Reprovisioning the workspace will mint the platform_inbound_secret it's missing.",
      });
    const verdict = await this.verdicts.check(target.url);
    if (!verdict.ok) {
      this.logger.warn(
        { workspaceId, reason: verdict.reason },
        'workspace URL refused by the outbound guard',
      );
      throw badGateway('workspace unreachable');
    }
    return { url: target.url, secret: target.platform_inbound_secret };
  }
}
