import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** Where the control-plane adapter finds a workspace's remote instance (spec 04 §3.2). */
export abstract class InstanceIds {
  /** The recorded instance id; empty when the row or the column is missing. */
  abstract instanceId(workspaceId: string): Promise<string>;
}

const INSTANCE_ID = sql(
  'provisioner.instance_id',
  `SELECT instance_id FROM workspaces WHERE id = $1::uuid`,
);

@Injectable()
export class InstanceIdRepository extends InstanceIds {
  constructor(private readonly db: Database) {
    super();
  }

  async instanceId(workspaceId: string): Promise<string> {
    const row = await this.db.one<{ instance_id: string | null }>(INSTANCE_ID, [workspaceId]);
    return row?.instance_id ?? '';
  }
}
