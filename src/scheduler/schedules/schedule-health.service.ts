import { Injectable, Logger } from '@nestjs/common';
import { identifyCaller } from '../../a2a/proxy/caller';
import { platformUnavailable } from '../../common/http/api-error';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import { Clock } from '../../common/clock/clock';
import { forbidden, unauthorized } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { WorkspaceAccess } from '../../registry/access/workspace-access';
import { adminHealthEntry, AdminHealthEntry } from './schedule-health';
import { ScheduleHealthRow, SchedulesRepository } from './schedules.repository';

/**
 * The two health views: a peer agent's look at another workspace's schedules (spec 05 §4.7)
 * and the operator's view over every live workspace (§5).
 */
@Injectable()
export class ScheduleHealthService {
  private readonly logger = new Logger(ScheduleHealthService.name);

  constructor(
    private readonly schedules: SchedulesRepository,
    private readonly tokens: WorkspaceTokens,
    private readonly access: WorkspaceAccess,
    private readonly clock: Clock,
  ) {}

  /**
   * The caller names itself in `X-Workspace-ID` and is checked as the A2A proxy checks agent
   * callers: itself always; another workspace with its own token (once it has one) and only
   * where the hierarchy lets the two talk. Unlike the reference, `system:`-style ids are
   * refused here as on the proxy (they read any workspace's schedules without a token), and a
   * datastore error during the token check denies instead of allowing.
   */
  async peerHealth(
    targetId: string,
    callerHeader: string | undefined,
    authorization: string,
  ): Promise<ScheduleHealthRow[]> {
    if ((callerHeader?.trim() ?? '') === '') throw unauthorized('X-Workspace-ID header required');
    const caller = identifyCaller(callerHeader, targetId);
    if (caller.kind === 'forged' || caller.kind === 'canvas') throw forbidden('invalid caller ID');
    if (caller.kind === 'agent') {
      const gate = await this.tokens.gate(caller.id, authorization).catch(() => {
        throw platformUnavailable();
      });
      if (gate === 'missing') throw unauthorized('missing caller auth token');
      if (gate === 'invalid') throw unauthorized('invalid caller auth token');
      if (!(await this.access.canCommunicate(caller.id, targetId)))
        throw forbidden('access denied');
    }
    return orInternalError(
      this.schedules.peerHealth(targetId),
      'failed to query schedules',
      this.logger,
    );
  }

  async adminHealth(): Promise<AdminHealthEntry[]> {
    const rows = await orInternalError(
      this.schedules.adminHealth(),
      'failed to query schedules',
      this.logger,
    );
    const now = this.clock.now();
    return rows.map((row) => adminHealthEntry(row, now));
  }
}
