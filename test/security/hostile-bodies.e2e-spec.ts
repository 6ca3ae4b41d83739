import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { routeKey } from '../support/app-routes';
import { useTestAgents } from '../support/agents';
import { RouteHandler, routeHandlers } from '../support/route-handlers';
import { useTestDatabase } from '../support/test-database';
import { describeWrites, WriteAudit } from '../support/write-audit';
import {
  HOSTILE_ADMIN_TOKEN,
  HostileCast,
  insertHostileCast,
  probe,
  useHostileApp,
} from './support/hostile-app';
import { bodiesFor, takesBody } from './support/route-bodies';
import { send } from './support/send';

/**
 * Property: for every route a client sends a body to, whatever the body — nearly valid ones
 * derived from the route's DTO, wrong types, stray keys, non-objects, junk — the server answers
 * within 10 s, never with a 5xx (beyond the contract's own, such as the A2A proxy's 502/503/504
 * for its agent), always in the error shape, without internals in the answer, and a refused body writes nothing.
 *
 * `HOSTILE_RUNS` bodies per route (default 100 in `npm test`; `npm run test:faults` runs 1000).
 */
const RUNS = Number(process.env.HOSTILE_RUNS ?? 100);

interface Fixtures {
  readonly [param: string]: string;
}

describe('hostile request bodies, generated per route (fast-check)', () => {
  const db = useTestDatabase();
  const app = useHostileApp(db);
  const agents = useTestAgents();
  let audit: WriteAudit;
  const admin = { Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN}` };

  beforeAll(async () => {
    audit = await WriteAudit.install(db, app.app.getHttpServer());
  });

  /** Rows the routes' path parameters name, so updates and decisions reach real rows. */
  async function fixturesFor(cast: HostileCast): Promise<Fixtures> {
    const create = async (path: string, body: unknown): Promise<string> => {
      const res = await send(app.baseUrl, {
        method: 'POST',
        path,
        headers: { ...admin, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
      const id = (JSON.parse(res.text || '{}') as { id?: unknown }).id;
      return typeof id === 'string' ? id : randomUUID();
    };
    const ws = `/workspaces/${cast.subject}`;
    return {
      scheduleId: await create(`${ws}/schedules`, {
        name: 'fuzzed',
        cron_expr: '*/5 * * * *',
        prompt: 'report',
      }),
      approvalId: await create(`${ws}/approvals`, { action: 'deploy', reason: 'fuzz' }),
      memoryId: await create(`${ws}/memories`, { content: 'fuzz memory', scope: 'LOCAL' }),
      instructionId: await create('/instructions', {
        scope: 'global',
        title: 'fuzz',
        content: 'be careful',
      }),
      wfid: 'wf-fuzz',
    };
  }

  function pathFor(route: RouteHandler, cast: HostileCast, fixtures: Fixtures): string {
    return route.path.replace(/[:*](\w+)/g, (_, name: string) => {
      if (name === 'id') {
        if (route.path.startsWith('/instructions/')) return fixtures.instructionId;
        if (route.path.startsWith('/org/tokens/')) return randomUUID();
        return cast.subject;
      }
      if (name === 'workspaceId') return cast.subject;
      if (name === 'key') return 'FUZZ_KEY';
      if (name === 'name') return 'fuzz-plugin';
      if (name === 'path') return 'fuzz.md';
      return fixtures[name] ?? randomUUID();
    });
  }

  /** Runs `RUNS` generated bodies against one route; returns what broke. */
  async function fuzzRoute(route: RouteHandler, cast: HostileCast): Promise<string[]> {
    const fixtures = await fixturesFor(cast);
    const path = pathFor(route, cast, fixtures);
    const refused: string[] = [];
    const failures: string[] = [];
    const result = await fc.check(
      fc.asyncProperty(bodiesFor(route, cast), async (body) => {
        sent++;
        const { violations, refusedId } = await probe(
          app.baseUrl,
          audit,
          {
            method: route.method,
            path,
            headers: { ...admin, 'Content-Type': 'application/json' },
            body,
          },
          routeKey(route),
        );
        if (refusedId) refused.push(refusedId);
        if (violations.length > 0) throw new Error(violations.join('; '));
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
    if (result.failed)
      failures.push(
        `${routeKey(route)} with body ${JSON.stringify(result.counterexample?.[0])?.slice(0, 300)}: ${
          (result.errorInstance as Error | undefined)?.message ?? String(result.errorInstance)
        }`,
      );
    // Work a refused request left running must not write later either.
    await new Promise((r) => setTimeout(r, 200));
    const late = await audit.byRequests(refused);
    if (late.length > 0)
      failures.push(`${routeKey(route)}: refused requests wrote later: ${describeWrites(late)}`);
    return failures;
  }

  let sent = 0;

  it(`no generated body breaks a route: ${RUNS} bodies per route`, async () => {
    const agent = await agents.start();
    const routes = routeHandlers(app.app).filter(takesBody);
    const queue = [...routes];
    const failures: string[] = [];
    // A few routes at a time, each worker on casts of its own: writes are attributed per
    // request, so concurrent routes cannot blame each other.
    const worker = async () => {
      let cast: HostileCast | undefined;
      for (let route = queue.shift(); route; route = queue.shift()) {
        cast = await insertHostileCast(db, agent.url, cast);
        failures.push(...(await fuzzRoute(route, cast)));
      }
    };
    await Promise.all([worker(), worker(), worker()]);
    expect(failures).toEqual([]);
    expect(routes.length).toBeGreaterThan(40);
    expect(sent).toBeGreaterThanOrEqual(routes.length * RUNS);
  }, 900_000);
});
