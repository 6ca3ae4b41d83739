import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Leases on in-flight work, so that a replica's death (SIGKILL, lost host) loses nothing and
 * doubles nothing (issue 15). A cron fire and a queued A2A delivery are each held by one replica
 * (`*_owner`), which renews `*_lease_until` while the call is out; `*_sent_at` is written just
 * before the message leaves. Once a lease lapses another replica takes the work over: a message
 * not yet sent is sent (once, with the same message id); one already sent is recorded as
 * interrupted, never sent again.
 */
export class InFlightLeases1765900000000 implements MigrationInterface {
  name = 'InFlightLeases1765900000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`
      ALTER TABLE workspace_schedules
        ADD COLUMN firing_owner TEXT,
        ADD COLUMN firing_lease_until TIMESTAMPTZ,
        ADD COLUMN firing_message_id TEXT,
        ADD COLUMN firing_sent_at TIMESTAMPTZ`);
    // The orphan scan of every tick looks only at the (few) fires in flight.
    await db.query(
      `CREATE INDEX idx_schedules_firing ON workspace_schedules (firing_lease_until)
         WHERE firing_since IS NOT NULL`,
    );
    await db.query(`
      ALTER TABLE a2a_queue
        ADD COLUMN dispatch_owner TEXT,
        ADD COLUMN dispatch_lease_until TIMESTAMPTZ,
        ADD COLUMN dispatch_sent_at TIMESTAMPTZ`);
    await db.query(
      `CREATE INDEX idx_a2a_queue_dispatched ON a2a_queue (workspace_id)
         WHERE status = 'dispatched'`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP INDEX IF EXISTS idx_a2a_queue_dispatched`);
    await db.query(`
      ALTER TABLE a2a_queue
        DROP COLUMN dispatch_sent_at,
        DROP COLUMN dispatch_lease_until,
        DROP COLUMN dispatch_owner`);
    await db.query(`DROP INDEX IF EXISTS idx_schedules_firing`);
    await db.query(`
      ALTER TABLE workspace_schedules
        DROP COLUMN firing_sent_at,
        DROP COLUMN firing_message_id,
        DROP COLUMN firing_lease_until,
        DROP COLUMN firing_owner`);
  }
}
