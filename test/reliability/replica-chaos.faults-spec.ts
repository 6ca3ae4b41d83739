import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { INTERRUPTED_DELIVERY_ERROR } from '../../src/a2a/queue/a2a-queue.repository';
import { INTERRUPTED_FIRE_ERROR } from '../../src/scheduler/firing/schedule-firer';
import { startTestAgent, TestAgent } from '../support/agents';
import { ChildServer } from '../support/child-server';
import { eventually } from '../support/eventually';
import { insertWorkspace } from '../support/factories';
import { LeakScanner } from '../support/leak-scanner';
import { useTestDatabase } from '../support/test-database';

const ADMIN_TOKEN = 'replica-chaos-admin';
const LEASE_SECONDS = 2;
const REPLICAS = 3;
/** How long replicas are killed and replaced while work flows. */
const CHAOS_MS = Number(process.env.CHAOS_MS ?? 90_000);
const KILL_EVERY_MS = 7_000;
const SCHEDULES = 24;
const FAR_FUTURE = '2100-01-01T00:00:00Z';

/** The message ids an agent received for `message/send`. */
const received = (agent: TestAgent): string[] =>
  agent.requests
    .filter((r) => r.body?.method === 'message/send')
    .map((r) => String(r.body.params.message.messageId));

const duplicates = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Replicas killed with SIGKILL and replaced, again and again, while schedules fire and queued
 * messages drain through slow agents (each call in flight 300 ms, so kills land mid-call, mid-claim
 * and mid-record). Afterwards: every slot the test opened is on record exactly once, no message
 * reached an agent twice, every queued message ended delivered (or, sent by a replica that died,
 * closed as interrupted), and nothing is held by anyone.
 */
describe('replica chaos', () => {
  const db = useTestDatabase();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'replica-chaos-'));
  const live: ChildServer[] = [];
  const scanner = new LeakScanner();
  let kills = 0;

  afterAll(async () => {
    await Promise.all(live.splice(0).map((s) => s.kill()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const serve = async () => {
    const server = await ChildServer.start(db.url, {
      ADMIN_TOKEN,
      MOLECULE_ENV: 'development',
      ENGINE_JOURNAL: path.join(dir, 'journal.jsonl'),
      ENGINE_HANG_FILE: path.join(dir, 'no-hang'),
      DELIVERY_LEASE_SECONDS: String(LEASE_SECONDS),
      RECONCILE_LEASE_SECONDS: String(LEASE_SECONDS),
      SCHEDULER_POLL_INTERVAL_MS: '200',
    });
    live.push(server);
    return server;
  };
  const anyLive = () => live[Math.floor(Math.random() * live.length)];

  it('kills and replaces replicas for a while: nothing fired twice or lost, nothing delivered twice or lost, nothing held', async () => {
    const cronAgent = await startTestAgent({ delayMs: 300 });
    const queueAgent = await startTestAgent({ delayMs: 300 });
    try {
      const cronWs = await insertWorkspace(db, { url: cronAgent.url, max_concurrent_tasks: 1000 });
      const queueWs = await insertWorkspace(db, { url: queueAgent.url, max_concurrent_tasks: 1 });
      const schedules = (
        await db.query<{ id: string }>(
          `INSERT INTO workspace_schedules (workspace_id, name, cron_expr, prompt, next_run_at)
           SELECT $1::uuid, 'chaos-' || n, '0 0 1 1 *', 'chaos ' || n, $2::timestamptz
             FROM generate_series(1, $3::int) AS n RETURNING id`,
          [cronWs, FAR_FUTURE, SCHEDULES],
        )
      ).map((r) => r.id);
      for (let i = 0; i < REPLICAS; i++) await serve();

      const slots = new Map(schedules.map((id) => [id, 0]));
      const queued: string[] = [];
      let chaos = true;
      let draining = true;

      // Slots: a schedule at rest (no fire in flight, next run a year away) is made due again.
      const opener = (async () => {
        while (chaos) {
          const opened = await db.query<{ id: string }>(
            `UPDATE workspace_schedules SET next_run_at = now() - interval '1 second'
              WHERE id = ANY($1) AND firing_since IS NULL AND next_run_at > now() + interval '1 day'
              RETURNING id`,
            [schedules],
          );
          for (const { id } of opened) slots.set(id, slots.get(id)! + 1);
          await pause(250);
        }
      })();
      // Queue: a message parked every 300 ms; heartbeats to any live replica drain it.
      const enqueuer = (async () => {
        while (chaos) {
          const key = `chaos-q-${randomUUID()}`;
          await db.query(
            `INSERT INTO a2a_queue (workspace_id, priority, body, method, idempotency_key)
             VALUES ($1, 50, $2, 'message/send', $3)`,
            [
              queueWs,
              JSON.stringify({
                jsonrpc: '2.0',
                id: key,
                method: 'message/send',
                params: {
                  message: { role: 'user', messageId: key, parts: [{ kind: 'text', text: key }] },
                },
              }),
              key,
            ],
          );
          queued.push(key);
          await pause(300);
        }
      })();
      const heartbeats = (async () => {
        while (draining) {
          const server = anyLive();
          if (server) {
            const res = await scanner
              .http(server.http)
              .post('/registry/heartbeat', {
                workspace_id: queueWs,
                active_tasks: 0,
                uptime_seconds: 60,
              })
              .catch(() => undefined);
            // A replica killed mid-request answers nothing; any answer must be the contract's.
            if (res) expect([200, 503]).toContain(res.status);
          }
          await pause(100);
        }
      })();

      // The chaos: a random replica killed every few seconds, a fresh one started in its place.
      const until = Date.now() + CHAOS_MS;
      while (Date.now() < until) {
        await pause(KILL_EVERY_MS * (0.5 + Math.random()));
        const victim = live.splice(Math.floor(Math.random() * live.length), 1)[0];
        await victim.kill();
        kills++;
        await serve();
      }
      chaos = false;
      await Promise.all([opener, enqueuer]);

      // Calm: the survivors finish what the dead left, within the lease and a few polls.
      await eventually(
        async () => {
          const [held] = await db.query<{ fires: number; items: number }>(
            `SELECT (SELECT count(*)::int FROM workspace_schedules
                      WHERE id = ANY($1) AND (firing_since IS NOT NULL OR next_run_at <= now())) AS fires,
                    (SELECT count(*)::int FROM a2a_queue
                      WHERE workspace_id = $2 AND status IN ('queued', 'dispatched')) AS items`,
            [schedules, queueWs],
          );
          return held.fires === 0 && held.items === 0 ? true : undefined;
        },
        'every fire recorded and every queued message settled',
        60_000,
      );
      draining = false;
      await heartbeats;

      // Schedules: each slot on record exactly once; no message twice; every ok run arrived.
      const runs = await db.query<{ id: string; run_count: number }>(
        `SELECT id, run_count FROM workspace_schedules WHERE id = ANY($1)`,
        [schedules],
      );
      const history = await db.query<{ schedule_id: string; status: string; error: string }>(
        `SELECT request_body->>'schedule_id' AS schedule_id, status, error_detail AS error
           FROM activity_logs WHERE activity_type = 'cron_run' AND workspace_id = $1`,
        [cronWs],
      );
      const fires = received(cronAgent);
      expect(duplicates(fires)).toEqual([]);
      let opened = 0;
      for (const { id, run_count } of runs) {
        opened += slots.get(id)!;
        expect({ id, runs: run_count }).toEqual({ id, runs: slots.get(id) });
        expect(history.filter((h) => h.schedule_id === id)).toHaveLength(slots.get(id)!);
      }
      const ok = history.filter((h) => h.status === 'ok').length;
      const interrupted = history.filter((h) => h.error === INTERRUPTED_FIRE_ERROR).length;
      expect(ok + interrupted).toBe(history.length);
      // Every ok run's message arrived; an interrupted one may have (sent just before the kill).
      expect(fires.length).toBeGreaterThanOrEqual(ok);
      expect(fires.length).toBeLessThanOrEqual(ok + interrupted);

      // Queue: delivered once, or closed as interrupted (then at most once); none twice.
      const items = await db.query<{ key: string; status: string; last_error: string | null }>(
        `SELECT idempotency_key AS key, status, last_error FROM a2a_queue WHERE workspace_id = $1`,
        [queueWs],
      );
      const deliveries = received(queueAgent);
      expect(duplicates(deliveries)).toEqual([]);
      const arrived = new Set(deliveries);
      for (const item of items) {
        if (item.status === 'completed') expect(arrived.has(item.key)).toBe(true);
        else {
          expect(item.status).toBe('failed');
          expect(item.last_error).toContain(INTERRUPTED_DELIVERY_ERROR);
        }
      }
      expect(items.map((i) => i.key).sort()).toEqual([...queued].sort());

      process.stdout.write(
        `replica chaos: ${kills} kills, ${opened} slots (${interrupted} interrupted), ` +
          `${items.length} queued (${items.filter((i) => i.status !== 'completed').length} interrupted)\n`,
      );
      expect(kills).toBeGreaterThan(3);
      expect(opened).toBeGreaterThan(SCHEDULES);
      scanner.expectNone();
    } finally {
      await cronAgent.close();
      await queueAgent.close();
    }
  });
});
