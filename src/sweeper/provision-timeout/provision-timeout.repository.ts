import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface ProvisioningRow {
  readonly id: string;
  /** `''` when the row has none. */
  readonly runtime: string;
  readonly updated_at: Date;
}

const PROVISIONING = sql(
  'sweeper.provision_timeout.provisioning',
  `SELECT id::text AS id, COALESCE(runtime, '') AS runtime, updated_at
     FROM workspaces WHERE status = 'provisioning'`,
);

/**
 * Race-safe: a row that registered, failed, or was re-provisioned (a newer `updated_at`)
 * since it was read does not match, and stays as it is.
 */
const MARK_TIMED_OUT = sql(
  'sweeper.provision_timeout.mark_failed',
  `UPDATE workspaces SET status = 'failed', last_sample_error = $3, updated_at = now()
    WHERE id = $1 AND status = 'provisioning' AND updated_at <= $2::timestamptz`,
);

@Injectable()
export class ProvisionTimeoutRepository {
  constructor(private readonly db: Database) {}

  provisioning(): Promise<ProvisioningRow[]> {
    return this.db.query<ProvisioningRow>(PROVISIONING);
  }

  /** Whether the row was still provisioning since `since` or earlier, and is now `failed`. */
  async markTimedOut(workspaceId: string, since: Date, message: string): Promise<boolean> {
    return (await this.db.execute(MARK_TIMED_OUT, [workspaceId, since, message])) > 0;
  }
}
