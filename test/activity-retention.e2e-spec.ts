import { ActivityRetention } from '../src/activity/retention/activity-retention';
import { insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const DAY = 86_400;

async function insertAged(db: TestDatabase, workspaceId: string, summary: string, ageSecs: number) {
  await db.query(
    `INSERT INTO activity_logs (workspace_id, activity_type, summary, created_at)
     VALUES ($1, 'agent_log', $2, now() - make_interval(secs => $3))`,
    [workspaceId, summary, ageSecs],
  );
}

async function summaries(db: TestDatabase): Promise<string[]> {
  return (
    await db.query<{ summary: string }>(
      'SELECT summary FROM activity_logs ORDER BY created_at DESC',
    )
  ).map((r) => r.summary);
}

describe('activity retention', () => {
  const db = useTestDatabase();

  describe('default window (7 days)', () => {
    const app = useTestApp(db);

    it('deletes rows older than the window across workspaces and keeps the rest', async () => {
      const a = await insertWorkspace(db);
      const b = await insertWorkspace(db);
      await insertAged(db, a, 'fresh', 0);
      await insertAged(db, a, '6d', 6 * DAY);
      await insertAged(db, a, '8d', 8 * DAY);
      await insertAged(db, b, '30d', 30 * DAY);

      expect(await app.get(ActivityRetention).purge()).toBe(2);
      expect(await summaries(db)).toEqual(['fresh', '6d']);
      expect(await app.get(ActivityRetention).purge()).toBe(0);
    });
  });

  describe('ACTIVITY_RETENTION_DAYS=1', () => {
    const app = useTestApp(db, { ACTIVITY_RETENTION_DAYS: '1' });

    it('uses the configured number of days', async () => {
      await db.query('DELETE FROM activity_logs');
      const a = await insertWorkspace(db);
      await insertAged(db, a, '1h', 3600);
      await insertAged(db, a, '2d', 2 * DAY);
      expect(await app.get(ActivityRetention).purge()).toBe(1);
      expect(await summaries(db)).toEqual(['1h']);
    });
  });
});
