import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';

/** What the files routes need to know about a workspace to reach its files. */
export interface FileOwner {
  readonly name: string;
  /** Non-empty: a control-plane instance (no Docker files here). */
  readonly instance_id: string;
  readonly runtime: string;
}

const OWNER = sql(
  'files.owner',
  `SELECT name, COALESCE(instance_id, '') AS instance_id, COALESCE(runtime, '') AS runtime
     FROM workspaces WHERE id = $1 AND status IS DISTINCT FROM 'removed'`,
);

@Injectable()
export class FileOwnerRepository {
  constructor(private readonly db: Database) {}

  /** `undefined` for an unknown or removed workspace. */
  find(workspaceId: string): Promise<FileOwner | undefined> {
    return this.db.one<FileOwner>(OWNER, [workspaceId]);
  }
}
