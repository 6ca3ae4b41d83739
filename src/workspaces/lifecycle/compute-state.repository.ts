import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';
import { WorkspaceStatus } from '../../database/entities';

/**
 * Fencing: a cycle writes only while it holds the claim (`$2`) and, for a provision, only while
 * the workspace is still meant to run — so a cycle overtaken by a pause or a delete can never
 * bring the workspace back to life.
 */
const OURS_AND_RUNNING = `id = $1 AND reconcile_owner = $2 AND desired_state = 'running'`;

/** A fresh provision attempt starts now (the provision-timeout sweep measures from `updated_at`). */
const ANNOUNCE = sql(
  'compute.announce',
  `WITH before AS (SELECT status FROM workspaces WHERE ${OURS_AND_RUNNING} FOR UPDATE)
   UPDATE workspaces w SET status = 'provisioning', url = '', internal_url = NULL, updated_at = now()
     FROM before WHERE w.id = $1
   RETURNING before.status AS previous`,
);
const FAIL = sql(
  'compute.fail',
  `UPDATE workspaces SET status = 'failed', last_sample_error = $3, updated_at = now()
    WHERE ${OURS_AND_RUNNING}`,
);
const STARTED_LOCAL = sql(
  'compute.started_local',
  `UPDATE workspaces SET url = $3, internal_url = NULL WHERE ${OURS_AND_RUNNING}`,
);
const STARTED_REMOTE = sql(
  'compute.started_remote',
  `UPDATE workspaces SET instance_id = NULLIF($3, ''), updated_at = now() WHERE ${OURS_AND_RUNNING}`,
);
/** An external agent runs elsewhere: after a restart it is offline until it heartbeats again. */
const EXTERNAL_IDLE = sql(
  'compute.external_idle',
  `UPDATE workspaces SET status = 'offline', updated_at = now()
    WHERE ${OURS_AND_RUNNING} AND status = 'provisioning'`,
);
/** The options are spent — unless a newer request merged more into them meanwhile. */
const CONSUME_OPTIONS = sql(
  'compute.consume_options',
  `UPDATE workspaces SET provision_request = NULL
    WHERE id = $1 AND reconcile_owner = $2 AND desired_generation = $3`,
);
/**
 * A new container's credentials in one statement: the old tokens revoked, the new token's
 * hash stored, the inbound secret stored — or nothing at all when the cycle may no longer
 * provision the workspace. (The revoke cannot see the token inserted by the same statement.)
 */
const ROTATE_CREDENTIALS = sql(
  'compute.rotate_credentials',
  `WITH wanted AS (SELECT id FROM workspaces WHERE ${OURS_AND_RUNNING} FOR UPDATE),
   revoked AS (
     UPDATE workspace_auth_tokens SET revoked_at = now()
      WHERE workspace_id IN (SELECT id FROM wanted) AND revoked_at IS NULL
   ),
   inbound AS (UPDATE workspaces SET platform_inbound_secret = $5 WHERE id IN (SELECT id FROM wanted))
   INSERT INTO workspace_auth_tokens (workspace_id, token_hash, prefix)
   SELECT id, $3, $4 FROM wanted
   RETURNING id`,
);
const INBOUND_SECRET = sql(
  'compute.inbound_secret',
  `UPDATE workspaces SET platform_inbound_secret = $3 WHERE ${OURS_AND_RUNNING}`,
);
const STILL_RUNNING = sql(
  'compute.still_running',
  `SELECT EXISTS (SELECT 1 FROM workspaces WHERE ${OURS_AND_RUNNING}) AS wanted`,
);
const HIBERNATED = sql(
  'compute.hibernated',
  `UPDATE workspaces SET status = 'hibernated', url = '', internal_url = NULL, updated_at = now()
    WHERE id = $1 AND reconcile_owner = $2 AND desired_state = 'hibernated' AND status <> 'removed'
    RETURNING name, COALESCE(tier, 1) AS tier`,
);

/** SQL of the reconcile actions: status, URL and credential writes, each fenced by the claim. */
@Injectable()
export class ComputeStateRepository {
  constructor(private readonly db: Database) {}

  /**
   * Marks the workspace provisioning with no URL; returns the status it had (to announce the
   * change only once), or `undefined` when the cycle may no longer provision it.
   */
  async announce(
    id: string,
    owner: string,
  ): Promise<{ previous: WorkspaceStatus | null } | undefined> {
    return this.db.one<{ previous: WorkspaceStatus | null }>(ANNOUNCE, [id, owner]);
  }

  async fail(id: string, owner: string, sampleError: string): Promise<boolean> {
    return (await this.db.execute(FAIL, [id, owner, sampleError])) > 0;
  }

  async startedLocal(id: string, owner: string, url: string): Promise<void> {
    await this.db.execute(STARTED_LOCAL, [id, owner, url]);
  }

  async startedRemote(id: string, owner: string, instanceId: string): Promise<void> {
    await this.db.execute(STARTED_REMOTE, [id, owner, instanceId]);
  }

  async externalIdle(id: string, owner: string): Promise<void> {
    await this.db.execute(EXTERNAL_IDLE, [id, owner]);
  }

  async consumeOptions(id: string, owner: string, generation: number): Promise<void> {
    await this.db.execute(CONSUME_OPTIONS, [id, owner, generation]);
  }

  /** False when the cycle may no longer provision the workspace (nothing was written). */
  async rotateCredentials(
    id: string,
    owner: string,
    token: { hash: Buffer; prefix: string },
    inboundSecret: string,
  ): Promise<boolean> {
    const rows = await this.db.query(ROTATE_CREDENTIALS, [
      id,
      owner,
      token.hash,
      token.prefix,
      inboundSecret,
    ]);
    return rows.length > 0;
  }

  async storeInboundSecret(id: string, owner: string, secret: string): Promise<boolean> {
    return (await this.db.execute(INBOUND_SECRET, [id, owner, secret])) > 0;
  }

  async stillRunning(id: string, owner: string): Promise<boolean> {
    return (await this.db.one<{ wanted: boolean }>(STILL_RUNNING, [id, owner]))?.wanted ?? false;
  }

  /** The workspace's name and tier when this cycle marked it hibernated. */
  hibernated(id: string, owner: string): Promise<{ name: string; tier: number } | undefined> {
    return this.db.one(HIBERNATED, [id, owner]);
  }
}
