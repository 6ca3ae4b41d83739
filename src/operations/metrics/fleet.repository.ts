import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

export interface FleetCounts {
  /** Workspaces by status (every status the table holds rows for). */
  readonly workspaces: ReadonlyMap<string, number>;
  /** A2A queue rows waiting (`queued`) or being delivered (`dispatched`). */
  readonly queue: ReadonlyMap<string, number>;
}

/** Both counts in one round trip: the queue's half runs on its partial index of queued rows. */
const FLEET_COUNTS = sql(
  'operations.fleet_counts',
  `SELECT 'workspace' AS kind, status::text AS status, count(*)::int AS n
     FROM workspaces GROUP BY status
   UNION ALL
   SELECT 'queue', status, count(*)::int
     FROM a2a_queue WHERE status IN ('queued', 'dispatched') GROUP BY status`,
);

/** What the fleet gauges on `/metrics` read. */
@Injectable()
export class FleetRepository {
  constructor(private readonly db: Database) {}

  async counts(): Promise<FleetCounts> {
    const rows = await this.db.query<{ kind: string; status: string; n: number }>(FLEET_COUNTS);
    const workspaces = new Map<string, number>();
    const queue = new Map<string, number>();
    for (const row of rows) (row.kind === 'queue' ? queue : workspaces).set(row.status, row.n);
    return { workspaces, queue };
  }
}
