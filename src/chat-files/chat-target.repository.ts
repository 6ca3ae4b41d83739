import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';

/** What the chat-file routes need to reach a workspace. */
export interface ChatTarget {
  readonly url: string;
  readonly platform_inbound_secret: string | null;
  readonly instance_id: string;
  readonly runtime: string;
}

const TARGET = sql(
  'chat_files.target',
  `SELECT COALESCE(url, '') AS url, platform_inbound_secret,
          COALESCE(instance_id, '') AS instance_id, COALESCE(runtime, '') AS runtime
     FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'`,
);

@Injectable()
export class ChatTargetRepository {
  constructor(private readonly db: Database) {}

  /** `undefined` for an unknown or removed workspace. */
  find(workspaceId: string): Promise<ChatTarget | undefined> {
    return this.db.one<ChatTarget>(TARGET, [workspaceId]);
  }
}
