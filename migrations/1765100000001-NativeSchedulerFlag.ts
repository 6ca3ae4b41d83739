import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Whether the workspace's runtime declared the `scheduler` capability in its last heartbeat
 * that carried `runtime_metadata` (spec 02 §3.4): its schedules are then fired by the runtime,
 * and the platform only moves `next_run_at`. In the row rather than in a per-replica cache:
 * the replica that claims a due schedule is rarely the one that took the heartbeat.
 */
export class NativeSchedulerFlag1765100000001 implements MigrationInterface {
  name = 'NativeSchedulerFlag1765100000001';

  async up(db: QueryRunner): Promise<void> {
    await db.query(
      `ALTER TABLE workspaces ADD COLUMN native_scheduler BOOLEAN NOT NULL DEFAULT false`,
    );
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE workspaces DROP COLUMN native_scheduler`);
  }
}
