import { Injectable } from '@nestjs/common';

/**
 * Decides which agent subscribers may receive an event about `workspaceId`. The events layer
 * knows nothing of the workspace hierarchy, so the registry installs the real rule
 * (CanCommunicate) at start-up; until then an agent only sees events about itself.
 */
export type SubscriberAccessPolicy = (
  workspaceId: string,
  subscriberIds: readonly string[],
) => Promise<Set<string>>;

@Injectable()
export class SubscriberAccess {
  private policy: SubscriberAccessPolicy = async (workspaceId, subscriberIds) =>
    new Set(subscriberIds.filter((id) => id === workspaceId));

  use(policy: SubscriberAccessPolicy): void {
    this.policy = policy;
  }

  allowed(workspaceId: string, subscriberIds: readonly string[]): Promise<Set<string>> {
    return this.policy(workspaceId, subscriberIds);
  }
}
