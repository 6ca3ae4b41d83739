import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The in-scope tables of spec 01 §1, in their final reference shape, with the decisions of
 * spec 00 applied: `awaiting_agent` and `hibernating` are enum members (the reference writes
 * them but its enum rejected them), and `workspaces.platform_inbound_secret` exists.
 * Tables of out-of-scope features (channels, memories, approvals, …) arrive with them.
 */
export class InitialSchema1764000000000 implements MigrationInterface {
  name = 'InitialSchema1764000000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      CREATE TYPE workspace_status AS ENUM (
        'provisioning', 'online', 'offline', 'degraded', 'failed', 'removed', 'paused',
        'hibernated', 'awaiting_agent', 'hibernating'
      )`);

    await db.query(`
      CREATE TABLE workspaces (
        id                       UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        name                     TEXT NOT NULL,
        role                     TEXT,
        tier                     INTEGER DEFAULT 1,
        status                   workspace_status DEFAULT 'provisioning',
        source_bundle_id         TEXT,
        agent_card               JSONB,
        url                      TEXT,
        internal_url             TEXT,
        parent_id                UUID REFERENCES workspaces(id),
        forwarded_to             UUID REFERENCES workspaces(id),
        last_heartbeat_at        TIMESTAMPTZ,
        last_error_rate          DOUBLE PRECISION DEFAULT 0,
        last_sample_error        TEXT,
        active_tasks             INTEGER DEFAULT 0,
        uptime_seconds           INTEGER DEFAULT 0,
        created_at               TIMESTAMPTZ DEFAULT now(),
        updated_at               TIMESTAMPTZ DEFAULT now(),
        current_task             TEXT,
        awareness_namespace      TEXT,
        runtime                  TEXT DEFAULT 'langgraph',
        workspace_dir            TEXT,
        workspace_access         VARCHAR(20) NOT NULL DEFAULT 'none'
                                 CHECK (workspace_access IN ('none', 'read_only', 'read_write')),
        budget_limit             BIGINT,
        monthly_spend            BIGINT NOT NULL DEFAULT 0,
        hibernation_idle_minutes INTEGER,
        last_outbound_at         TIMESTAMPTZ,
        max_concurrent_tasks     INTEGER NOT NULL DEFAULT 1,
        instance_id              TEXT,
        platform_inbound_secret  TEXT
      )`);
    await db.query(`CREATE INDEX idx_workspaces_parent_id ON workspaces (parent_id)`);
    await db.query(`CREATE INDEX idx_workspaces_status ON workspaces (status)`);
    await db.query(
      `CREATE INDEX idx_workspaces_hibernation ON workspaces (hibernation_idle_minutes)
         WHERE hibernation_idle_minutes IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX idx_workspaces_instance_id ON workspaces (instance_id) WHERE instance_id IS NOT NULL`,
    );
    // The liveness sweep scans live rows by heartbeat age.
    await db.query(
      `CREATE INDEX idx_workspaces_liveness ON workspaces ((COALESCE(last_heartbeat_at, updated_at)))
         WHERE status IN ('online', 'degraded')`,
    );

    await db.query(`
      CREATE TABLE structure_events (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        event_type   TEXT NOT NULL,
        workspace_id UUID,
        agent_id     UUID,
        target_id    UUID,
        payload      JSONB,
        created_at   TIMESTAMPTZ DEFAULT now()
      )`);
    await db.query(`CREATE INDEX idx_events_workspace_id ON structure_events (workspace_id)`);
    await db.query(`CREATE INDEX idx_events_created_at ON structure_events (created_at)`);

    // Broadcast-only envelopes too large for a NOTIFY payload are parked here and read back
    // by every replica; rows are short-lived (pruned after a few minutes).
    await db.query(`
      CREATE TABLE event_spill (
        id         UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        envelope   TEXT NOT NULL,
        created_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);
    await db.query(`CREATE INDEX idx_event_spill_created_at ON event_spill (created_at)`);

    await db.query(`
      CREATE TABLE workspace_secrets (
        id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id       UUID REFERENCES workspaces(id),
        key                TEXT NOT NULL,
        encrypted_value    BYTEA NOT NULL,
        created_at         TIMESTAMPTZ DEFAULT now(),
        updated_at         TIMESTAMPTZ DEFAULT now(),
        encryption_version INTEGER NOT NULL DEFAULT 0,
        UNIQUE (workspace_id, key)
      )`);

    await db.query(`
      CREATE TABLE global_secrets (
        id                 UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        key                TEXT NOT NULL UNIQUE,
        encrypted_value    BYTEA NOT NULL,
        created_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at         TIMESTAMPTZ NOT NULL DEFAULT now(),
        encryption_version INTEGER NOT NULL DEFAULT 0
      )`);

    await db.query(`
      CREATE TABLE canvas_layouts (
        workspace_id UUID PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        x            DOUBLE PRECISION NOT NULL DEFAULT 0,
        y            DOUBLE PRECISION NOT NULL DEFAULT 0,
        collapsed    BOOLEAN DEFAULT false
      )`);

    await db.query(`
      CREATE TABLE canvas_viewport (
        id       UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        x        DOUBLE PRECISION NOT NULL DEFAULT 0,
        y        DOUBLE PRECISION NOT NULL DEFAULT 0,
        zoom     DOUBLE PRECISION NOT NULL DEFAULT 1,
        saved_at TIMESTAMPTZ DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE workspace_config (
        workspace_id UUID PRIMARY KEY REFERENCES workspaces(id) ON DELETE CASCADE,
        data         JSONB NOT NULL DEFAULT '{}',
        updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
      )`);

    await db.query(`
      CREATE TABLE workspace_auth_tokens (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        token_hash   BYTEA NOT NULL UNIQUE,
        prefix       TEXT NOT NULL,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_used_at TIMESTAMPTZ,
        revoked_at   TIMESTAMPTZ
      )`);
    await db.query(
      `CREATE INDEX workspace_auth_tokens_live_idx ON workspace_auth_tokens (workspace_id)
         WHERE revoked_at IS NULL`,
    );

    await db.query(`
      CREATE TABLE org_api_tokens (
        id           UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        token_hash   BYTEA NOT NULL UNIQUE,
        prefix       TEXT NOT NULL,
        name         TEXT,
        created_by   TEXT,
        created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
        last_used_at TIMESTAMPTZ,
        revoked_at   TIMESTAMPTZ,
        org_id       UUID REFERENCES workspaces(id) ON DELETE SET NULL
      )`);
    await db.query(
      `CREATE INDEX org_api_tokens_live_idx ON org_api_tokens (token_hash) WHERE revoked_at IS NULL`,
    );
    await db.query(
      `CREATE INDEX org_api_tokens_org_id_idx ON org_api_tokens (org_id) WHERE org_id IS NOT NULL`,
    );

    await db.query(`
      CREATE TABLE activity_logs (
        id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id    UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        activity_type   TEXT NOT NULL,
        source_id       TEXT,
        target_id       TEXT,
        method          TEXT,
        summary         TEXT,
        request_body    JSONB,
        response_body   JSONB,
        duration_ms     INTEGER,
        status          TEXT DEFAULT 'ok',
        error_detail    TEXT,
        created_at      TIMESTAMPTZ DEFAULT now(),
        idempotency_key TEXT,
        tool_trace      JSONB
      )`);
    await db.query(
      `CREATE INDEX idx_activity_ws_type_time ON activity_logs (workspace_id, activity_type, created_at DESC)`,
    );
    await db.query(`CREATE INDEX idx_activity_created_at ON activity_logs (created_at)`);
    await db.query(
      `CREATE UNIQUE INDEX activity_logs_idempotency_uniq ON activity_logs (workspace_id, idempotency_key)
         WHERE idempotency_key IS NOT NULL`,
    );
    await db.query(
      `CREATE INDEX idx_activity_logs_tool_trace ON activity_logs USING GIN (tool_trace)
         WHERE tool_trace IS NOT NULL`,
    );

    await db.query(`
      CREATE TABLE workspace_schedules (
        id                     UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id           UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        name                   TEXT NOT NULL DEFAULT '',
        cron_expr              TEXT NOT NULL,
        timezone               TEXT NOT NULL DEFAULT 'UTC',
        prompt                 TEXT NOT NULL,
        enabled                BOOLEAN NOT NULL DEFAULT true,
        last_run_at            TIMESTAMPTZ,
        next_run_at            TIMESTAMPTZ,
        run_count              INTEGER NOT NULL DEFAULT 0,
        last_status            TEXT DEFAULT '',
        last_error             TEXT DEFAULT '',
        created_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        updated_at             TIMESTAMPTZ NOT NULL DEFAULT now(),
        source                 TEXT NOT NULL DEFAULT 'runtime' CHECK (source IN ('template', 'runtime')),
        consecutive_empty_runs INTEGER NOT NULL DEFAULT 0
      )`);
    await db.query(`CREATE INDEX idx_schedules_workspace ON workspace_schedules (workspace_id)`);
    await db.query(
      `CREATE INDEX idx_schedules_next_run ON workspace_schedules (enabled, next_run_at) WHERE enabled`,
    );
    await db.query(
      `CREATE UNIQUE INDEX idx_schedules_workspace_name ON workspace_schedules (workspace_id, name)`,
    );

    await db.query(`
      CREATE TABLE a2a_queue (
        id              UUID PRIMARY KEY DEFAULT gen_random_uuid(),
        workspace_id    UUID NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
        caller_id       TEXT,
        priority        SMALLINT NOT NULL DEFAULT 50,
        body            JSONB NOT NULL,
        method          TEXT,
        idempotency_key TEXT,
        enqueued_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
        dispatched_at   TIMESTAMPTZ,
        completed_at    TIMESTAMPTZ,
        expires_at      TIMESTAMPTZ,
        attempts        INTEGER NOT NULL DEFAULT 0,
        status          TEXT NOT NULL DEFAULT 'queued'
                        CHECK (status IN ('queued', 'dispatched', 'completed', 'dropped', 'failed')),
        last_error      TEXT
      )`);
    await db.query(
      `CREATE INDEX idx_a2a_queue_dispatch ON a2a_queue (workspace_id, priority DESC, enqueued_at ASC)
         WHERE status = 'queued'`,
    );
    await db.query(
      `CREATE INDEX idx_a2a_queue_expiry ON a2a_queue (expires_at)
         WHERE status = 'queued' AND expires_at IS NOT NULL`,
    );
    await db.query(
      `CREATE UNIQUE INDEX idx_a2a_queue_idempotency ON a2a_queue (workspace_id, idempotency_key)
         WHERE idempotency_key IS NOT NULL AND status IN ('queued', 'dispatched')`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'a2a_queue',
      'workspace_schedules',
      'activity_logs',
      'org_api_tokens',
      'workspace_auth_tokens',
      'workspace_config',
      'canvas_viewport',
      'canvas_layouts',
      'global_secrets',
      'workspace_secrets',
      'event_spill',
      'structure_events',
      'workspaces',
    ]) {
      await db.query(`DROP TABLE IF EXISTS ${table}`);
    }
    await db.query(`DROP TYPE IF EXISTS workspace_status`);
  }
}
