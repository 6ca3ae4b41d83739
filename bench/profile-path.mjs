/**
 * Profiles one request path alone: `node bench/profile-path.mjs health|heartbeat|a2a|activity [count]`
 * starts PostgreSQL, app A with `--cpu-prof`, the fixtures, sends `count` requests of that kind
 * (concurrency 16) and writes app A's profile to bench/results/profile-<path>-<stamp>/. A
 * profile of one path is readable where a whole-bench profile mixes them.
 */
import { fileURLToPath, URL } from 'node:url';
import process from 'node:process';
import pg from 'pg';
import { startAgent } from './agent.mjs';
import { startApp } from './app-handle.mjs';
import { HeartbeatSender } from './heartbeats.mjs';
import { httpPool, runLoad, send } from './load.mjs';
import { startPostgres } from './postgres.mjs';
import { Scope } from './scope.mjs';
import { seedWorkspaces } from './seed.mjs';

const [path = 'health', count = '20000'] = process.argv.slice(2);
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
const dir = fileURLToPath(new URL(`./results/profile-${path}-${stamp}`, import.meta.url));
const scope = new Scope();
try {
  const databaseUrl = await startPostgres(scope);
  const app = await startApp(scope, { name: 'A', databaseUrl, cpuProfileDir: dir });
  const agent = await startAgent(scope);
  const db = new pg.Pool({ connectionString: databaseUrl, max: 1 });
  const fleet = await seedWorkspaces(db, { count: 500, family: 'b1' });
  const [target] = await seedWorkspaces(db, { count: 1, family: 'b2', url: agent.registeredUrl });
  if (path === 'activity') {
    await db.query(
      `INSERT INTO activity_logs (workspace_id, activity_type, method, summary, request_body,
                                  response_body, duration_ms, created_at)
       SELECT $1, 'a2a_receive', 'message/send', 'message/send → bench', $2::jsonb, $2::jsonb,
              g, now() - make_interval(secs => g * 60)
         FROM generate_series(1, 1000) AS g`,
      [fleet[0].id, JSON.stringify({ result: { parts: [{ kind: 'text', text: 'done' }] } })],
    );
  }
  await db.end();
  const pool = httpPool(scope, app.baseUrl, 16);
  const sender = new HeartbeatSender(fleet);
  let id = 0;
  const requests = {
    health: () => send(pool, { path: '/health' }),
    heartbeat: () => sender.send(pool),
    activity: () =>
      send(pool, {
        path: `/workspaces/${fleet[0].id}/activity?limit=100`,
        headers: { authorization: `Bearer ${fleet[0].token}` },
      }),
    a2a: () =>
      send(pool, {
        method: 'POST',
        path: `/workspaces/${target.id}/a2a`,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: ++id,
          method: 'message/send',
          params: { message: { role: 'user', parts: [{ kind: 'text', text: 'hello' }] } },
        }),
      }),
  };
  await runLoad({ concurrency: 16, total: Number(count), request: requests[path] });
  process.stdout.write(`profile of ${count} × ${path}: ${dir} (written when app A exits)\n`);
} finally {
  await scope.close();
}
