import { Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Clock } from '../../common/clock/clock';
import {
  RESTART_CONTEXT_CALLER,
  RestartSnapshot,
  restartContextRequest,
} from '../../workspaces/lifecycle/restart-context';
import { RestartContextDeliveries } from '../../workspaces/lifecycle/restart-context-deliveries';
import { A2AProxyService } from '../proxy/a2a-proxy.service';
import { ProxyTargetRepository } from '../proxy/proxy-target.repository';

/** How long the restarted agent gets to come online, and how often that is checked. */
export const ONLINE_WAIT_MS = 30_000;
const ONLINE_POLL_MS = 500;
const SEND_TIMEOUT_MS = 30_000;

/**
 * Tells a restarted agent what changed (spec 04 §5.4): once the workspace is online again, one
 * `message/send` through the proxy from `system:restart-context`. It is a notice, not a
 * conversation: no activity row, no queueing; an agent that never comes back gets nothing.
 */
@Injectable()
export class RestartContextSender implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(RestartContextSender.name);
  private closing = false;

  constructor(
    private readonly deliveries: RestartContextDeliveries,
    private readonly clock: Clock,
    private readonly targets: ProxyTargetRepository,
    private readonly proxy: A2AProxyService,
  ) {}

  onModuleInit(): void {
    this.deliveries.on((workspaceId, snapshot) => this.deliver(workspaceId, snapshot));
  }

  /** A notice still waiting for its agent is dropped: the server is going away. */
  onApplicationShutdown(): void {
    this.closing = true;
  }

  async deliver(workspaceId: string, snapshot: RestartSnapshot): Promise<void> {
    const online = await this.cameOnline(workspaceId);
    if (this.closing) return;
    if (!online) {
      this.logger.warn({ workspaceId }, 'restarted workspace not online in time; context dropped');
      return;
    }
    const result = await this.proxy.proxy({
      targetId: workspaceId,
      callerId: RESTART_CONTEXT_CALLER,
      body: restartContextRequest(snapshot),
      logFailures: false,
      logDelivery: false,
      enqueueWhenBusy: false,
      timeoutMs: SEND_TIMEOUT_MS,
    });
    if (result.kind === 'stream') result.stream.resume();
    const delivered = result.outcome === 'delivered' && result.status < 300;
    if (delivered) this.logger.log({ workspaceId }, 'restart context delivered');
    else this.logger.warn({ workspaceId, status: result.status }, 'restart context not delivered');
  }

  private async cameOnline(workspaceId: string): Promise<boolean> {
    const deadline = this.clock.now().getTime() + ONLINE_WAIT_MS;
    for (;;) {
      if (this.closing) return false;
      if ((await this.targets.target(workspaceId))?.status === 'online') return true;
      if (this.clock.now().getTime() >= deadline) return false;
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, ONLINE_POLL_MS));
    }
  }
}
