import { Injectable } from '@nestjs/common';
import { Database, sql } from '../database/database.service';

export interface StructureEventRow {
  id: string;
  event_type: string;
  workspace_id: string | null;
  payload: unknown;
  created_at: Date;
}

const INSERT = sql(
  'events.insert',
  `INSERT INTO structure_events (event_type, workspace_id, payload) VALUES ($1, $2, $3)`,
);
const RECENT = sql(
  'events.recent',
  `SELECT id, event_type, workspace_id, payload, created_at FROM structure_events
    ORDER BY created_at DESC, id LIMIT $1`,
);
const RECENT_FOR_WORKSPACE = sql(
  'events.recent_for_workspace',
  `SELECT id, event_type, workspace_id, payload, created_at FROM structure_events
    WHERE workspace_id = $1 ORDER BY created_at DESC, id LIMIT $2`,
);
const WORKSPACE_EXISTS = sql(
  'events.workspace_exists',
  `SELECT EXISTS (SELECT 1 FROM workspaces WHERE id = $1) AS exists`,
);
const SPILL = sql('events.spill', `INSERT INTO event_spill (envelope) VALUES ($1) RETURNING id`);
const READ_SPILL = sql('events.read_spill', `SELECT envelope FROM event_spill WHERE id = $1`);
const PRUNE_SPILL = sql(
  'events.prune_spill',
  `DELETE FROM event_spill WHERE created_at < now() - make_interval(secs => $1)`,
);

/** `structure_events` (the history) and `event_spill` (oversized live events in transit). */
@Injectable()
export class EventsRepository {
  constructor(private readonly db: Database) {}

  async insert(type: string, workspaceId: string | null, payload: unknown): Promise<void> {
    await this.db.execute(INSERT, [type, workspaceId, JSON.stringify(payload)]);
  }

  recent(limit: number): Promise<StructureEventRow[]> {
    return this.db.query<StructureEventRow>(RECENT, [limit]);
  }

  recentForWorkspace(workspaceId: string, limit: number): Promise<StructureEventRow[]> {
    return this.db.query<StructureEventRow>(RECENT_FOR_WORKSPACE, [workspaceId, limit]);
  }

  /** Any status counts: an SSE client may watch a removed workspace. */
  async workspaceExists(workspaceId: string): Promise<boolean> {
    return (
      (await this.db.one<{ exists: boolean }>(WORKSPACE_EXISTS, [workspaceId]))?.exists ?? false
    );
  }

  async spill(envelopeJson: string): Promise<string> {
    return (await this.db.one<{ id: string }>(SPILL, [envelopeJson]))!.id;
  }

  async readSpill(id: string): Promise<string | undefined> {
    return (await this.db.one<{ envelope: string }>(READ_SPILL, [id]))?.envelope;
  }

  pruneSpill(olderThanSeconds: number): Promise<number> {
    return this.db.execute(PRUNE_SPILL, [olderThanSeconds]);
  }
}
