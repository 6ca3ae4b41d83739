import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ProvisionTimeoutSweep } from '../src/sweeper/provision-timeout/provision-timeout-sweep';
import { insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

const MESSAGE =
  'provisioning timed out — container started but never called /registry/register. Check container logs and network connectivity to the platform.';

/** A templates root where claude-code templates declare 20 and 15 minutes (the larger wins). */
function templatesRoot(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'provision-timeouts-'));
  const template = (dir: string, yaml: string) => {
    fs.mkdirSync(path.join(root, dir));
    fs.writeFileSync(path.join(root, dir, 'config.yaml'), yaml);
  };
  template(
    'slow-claude',
    'runtime: claude-code\nruntime_config:\n  provision_timeout_seconds: 1200\n',
  );
  template('claude', 'runtime: claude-code\nruntime_config:\n  provision_timeout_seconds: 900\n');
  template('plain', 'runtime: crewai\n');
  afterAll(() => fs.rmSync(root, { recursive: true, force: true }));
  return root;
}

/** A workspace whose status was last written `minutes` ago. */
async function since(
  db: TestDatabase,
  minutes: number,
  seed: { runtime?: string | null; status?: string } = {},
): Promise<string> {
  const id = await insertWorkspace(db, { status: 'provisioning', ...seed } as never);
  await db.query(
    `UPDATE workspaces SET updated_at = now() - make_interval(secs => $2) WHERE id = $1`,
    [id, minutes * 60],
  );
  return id;
}

async function row(db: TestDatabase, id: string) {
  const [r] = await db.query<{ status: string; last_sample_error: string | null }>(
    'SELECT status, last_sample_error FROM workspaces WHERE id = $1',
    [id],
  );
  return r;
}

async function failures(db: TestDatabase, id: string) {
  return db.query<{ payload: unknown }>(
    `SELECT payload FROM structure_events
      WHERE workspace_id = $1 AND event_type = 'WORKSPACE_PROVISION_FAILED'`,
    [id],
  );
}

describe('provision-timeout sweep (real PostgreSQL)', () => {
  const db = useTestDatabase();

  describe('with per-runtime timeouts from the templates', () => {
    const app = useTestApp(db, { CONFIGS_DIR: templatesRoot() });
    const sweep = () => app.get(ProvisionTimeoutSweep).runPass();

    it('fails each workspace stuck past its runtime’s timeout, once, with the spec’s payload', async () => {
      const canvas = await TestWsClient.connect(app.baseUrl);
      try {
        const langgraph = await since(db, 11, { runtime: 'langgraph' });
        const noRuntime = await since(db, 11, { runtime: null });
        const claudeWaiting = await since(db, 16, { runtime: 'claude-code' });
        const claudeStuck = await since(db, 21, { runtime: 'claude-code' });
        const hermesWaiting = await since(db, 29, { runtime: 'hermes' });
        const hermesStuck = await since(db, 31, { runtime: 'hermes' });
        const fresh = await since(db, 9, { runtime: 'crewai' });
        const awaitingAgent = await since(db, 600, {
          runtime: 'external',
          status: 'awaiting_agent',
        });

        expect(await sweep()).toEqual({ status: 'done', summary: { timedOut: 4 } });

        const expected: [string, number, string][] = [
          [langgraph, 600, 'langgraph'],
          [noRuntime, 600, ''],
          [claudeStuck, 1200, 'claude-code'],
          [hermesStuck, 1800, 'hermes'],
        ];
        for (const [id, timeout, runtime] of expected) {
          expect(await row(db, id)).toEqual({ status: 'failed', last_sample_error: MESSAGE });
          const payload = {
            error: MESSAGE,
            timeout_secs: timeout,
            runtime,
            source: 'provision_timeout_sweep',
          };
          expect(await failures(db, id)).toEqual([{ payload }]);
          expect((await canvas.nextEvent('WORKSPACE_PROVISION_FAILED', id)).payload).toEqual(
            payload,
          );
        }
        for (const id of [claudeWaiting, hermesWaiting, fresh]) {
          expect((await row(db, id)).status).toBe('provisioning');
          expect(await failures(db, id)).toEqual([]);
        }
        expect((await row(db, awaitingAgent)).status).toBe('awaiting_agent');

        expect(await sweep()).toEqual({ status: 'done' });
        expect(await failures(db, langgraph)).toHaveLength(1);
      } finally {
        await canvas.close();
      }
    });

    it('leaves a workspace whose provisioning restarted since (updated_at moved on)', async () => {
      const id = await since(db, 30, { runtime: 'langgraph' });
      await db.query(`UPDATE workspaces SET updated_at = now() WHERE id = $1`, [id]);
      expect(await sweep()).toEqual({ status: 'done' });
      expect((await row(db, id)).status).toBe('provisioning');
    });
  });

  describe('with PROVISION_TIMEOUT_SECONDS=60', () => {
    const app = useTestApp(db, { CONFIGS_DIR: templatesRoot(), PROVISION_TIMEOUT_SECONDS: '60' });
    // Only this block's workspaces are provisioning.
    beforeAll(() =>
      db.query(`UPDATE workspaces SET status = 'removed' WHERE status = 'provisioning'`),
    );

    it('applies one timeout to every runtime, templates and hermes included', async () => {
      const hermes = await since(db, 2, { runtime: 'hermes' });
      const claude = await since(db, 2, { runtime: 'claude-code' });
      const fresh = await since(db, 0.5, { runtime: 'langgraph' });

      expect(await app.get(ProvisionTimeoutSweep).runPass()).toEqual({
        status: 'done',
        summary: { timedOut: 2 },
      });
      expect(await failures(db, hermes)).toEqual([
        { payload: expect.objectContaining({ timeout_secs: 60, runtime: 'hermes' }) },
      ]);
      expect(await failures(db, claude)).toEqual([
        { payload: expect.objectContaining({ timeout_secs: 60, runtime: 'claude-code' }) },
      ]);
      expect((await row(db, fresh)).status).toBe('provisioning');
    });
  });
});
