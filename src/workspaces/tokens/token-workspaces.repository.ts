import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

const EXISTS = sql(
  'workspace_tokens.workspace_exists',
  `SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1) AS found`,
);

/** The one workspace question the token endpoints ask: is there a row (any status)? */
@Injectable()
export class TokenWorkspacesRepository {
  constructor(private readonly db: Database) {}

  async exists(workspaceId: string): Promise<boolean> {
    return (await this.db.one<{ found: boolean }>(EXISTS, [workspaceId]))?.found ?? false;
  }
}
