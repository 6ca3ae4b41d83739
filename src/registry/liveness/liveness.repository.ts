import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/**
 * Live workspaces whose last sign of life is older than the cutoff go offline, each exactly
 * once: the status guard makes a second pass (or another replica) find nothing.
 */
const EXPIRE = sql(
  'liveness.expire',
  `UPDATE workspaces SET status = 'offline', updated_at = now()
    WHERE status IN ('online', 'degraded')
      AND COALESCE(last_heartbeat_at, updated_at) < $1::timestamptz
    RETURNING id::text`,
);

@Injectable()
export class LivenessRepository {
  constructor(private readonly db: Database) {}

  async expireSilentSince(cutoff: Date): Promise<string[]> {
    return (await this.db.query<{ id: string }>(EXPIRE, [cutoff])).map((r) => r.id);
  }
}
