import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { parseUuid } from '../../common/http/uuid';
import { SubscriberAccess } from '../../events/ws/subscriber-access';
import { AncestryRepository } from './ancestry.repository';
import { canCommunicate } from './can-communicate';

/**
 * `CanCommunicate` for the rest of the server (discovery, check-access, the A2A proxy, the
 * WebSocket hub). Fail-secure: ids that are not UUIDs and lookup errors mean "no".
 */
@Injectable()
export class WorkspaceAccess implements OnModuleInit {
  private readonly logger = new Logger(WorkspaceAccess.name);

  constructor(
    private readonly ancestry: AncestryRepository,
    private readonly subscribers: SubscriberAccess,
  ) {}

  /** Agent WebSocket clients only receive events of workspaces they may talk to. */
  onModuleInit(): void {
    this.subscribers.use((workspaceId, subscriberIds) =>
      this.allowedCallers(workspaceId, subscriberIds),
    );
  }

  async canCommunicate(callerId: string, targetId: string): Promise<boolean> {
    if (callerId === targetId) return true;
    return (await this.allowedCallers(targetId, [callerId])).has(callerId);
  }

  /** Which of `callerIds` may talk to `targetId`, answered with one query. */
  async allowedCallers(targetId: string, callerIds: readonly string[]): Promise<Set<string>> {
    const target = parseUuid(targetId);
    const callers = callerIds
      .map((id) => [id, parseUuid(id)] as const)
      .filter(([, uuid]) => uuid !== null);
    const allowed = new Set(callerIds.filter((id) => id === targetId));
    if (!target || callers.length === 0) return allowed;
    try {
      const lineages = await this.ancestry.lineages([target, ...callers.map(([, uuid]) => uuid!)]);
      for (const [id, uuid] of callers) {
        if (canCommunicate(uuid!, target, lineages.get(uuid!), lineages.get(target)))
          allowed.add(id);
      }
    } catch (err) {
      this.logger.error({ err }, 'access lookup failed; denying');
    }
    return allowed;
  }
}
