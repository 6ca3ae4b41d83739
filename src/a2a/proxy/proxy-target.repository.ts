import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { WorkspaceStatus } from '../../database/entities';

/** Everything the proxy needs to know about its target, in one read. */
export interface ProxyTarget {
  url: string | null;
  status: WorkspaceStatus | null;
  runtime: string | null;
  name: string;
  budget_limit: number | null;
  monthly_spend: number;
}

const TARGET = sql(
  'a2a.target',
  `SELECT url, status, runtime, name, budget_limit, COALESCE(monthly_spend, 0) AS monthly_spend
     FROM workspaces WHERE id = $1`,
);
const TOUCH_OUTBOUND = sql(
  'a2a.touch_outbound',
  `UPDATE workspaces SET last_outbound_at = now() WHERE id = $1`,
);

@Injectable()
export class ProxyTargetRepository {
  constructor(private readonly db: Database) {}

  target(workspaceId: string): Promise<ProxyTarget | undefined> {
    return this.db.one<ProxyTarget>(TARGET, [workspaceId]);
  }

  async touchOutbound(workspaceId: string): Promise<void> {
    await this.db.execute(TOUCH_OUTBOUND, [workspaceId]);
  }
}
