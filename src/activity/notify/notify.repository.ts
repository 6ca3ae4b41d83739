import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

const LIVE_NAME = sql(
  'notify.live_workspace_name',
  `SELECT name FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'`,
);

@Injectable()
export class NotifyRepository {
  constructor(private readonly db: Database) {}

  /** The name of a workspace that exists and is not removed; undefined otherwise. */
  async liveWorkspaceName(workspaceId: string): Promise<string | undefined> {
    return (await this.db.one<{ name: string }>(LIVE_NAME, [workspaceId]))?.name;
  }
}
