import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * What the cron loop keeps in the row so that every replica sees it (spec 05 §3, our design):
 * - `deferred_since`: the due fire is waiting for the workspace to drop below
 *   `max_concurrent_tasks`; after two minutes of that the fire is recorded as skipped.
 * - `firing_since`: a replica claimed the fire and is sending it; the row is not claimed
 *   again until the fire is recorded (or the claim is older than the fire timeout, i.e. the
 *   replica died), so one schedule never has two fires in flight.
 */
export class ScheduleFiringState1765100000000 implements MigrationInterface {
  name = 'ScheduleFiringState1765100000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE workspace_schedules ADD COLUMN deferred_since TIMESTAMPTZ`);
    await db.query(`ALTER TABLE workspace_schedules ADD COLUMN firing_since TIMESTAMPTZ`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE workspace_schedules DROP COLUMN firing_since`);
    await db.query(`ALTER TABLE workspace_schedules DROP COLUMN deferred_since`);
  }
}
