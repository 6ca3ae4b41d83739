import fc from 'fast-check';
import { appRoutes } from '../support/app-routes';
import { useTestAgents } from '../support/agents';
import { useTestDatabase } from '../support/test-database';
import { WriteAudit } from '../support/write-audit';
import {
  HOSTILE_ADMIN_TOKEN,
  HostileCast,
  insertHostileCast,
  probe,
  useHostileApp,
} from './support/hostile-app';
import { OpenApiDocument, operationArbitrary } from './support/schema-arbitraries';
import { send } from './support/send';

/**
 * A schema-driven API fuzzer: every operation `/openapi.json` documents is called with
 * requests generated from its own parameter and body schemas (fast-check arbitraries derived
 * from them: conforming values mixed with broken ones). No answer may be a 5xx other than the
 * contract's own (the A2A proxy's 502/503/504 for an unreachable agent and the like), and the
 * other hostile-input properties hold: the error shape, no internals, no write when refused.
 *
 * `OPENAPI_FUZZ_RUNS` requests per operation (200 under `npm run test:faults`).
 */
const RUNS = Number(process.env.OPENAPI_FUZZ_RUNS ?? 50);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

describe('schema-driven fuzzing of every operation in /openapi.json', () => {
  const db = useTestDatabase();
  const app = useHostileApp(db);
  const agents = useTestAgents();
  let audit: WriteAudit;

  beforeAll(async () => {
    audit = await WriteAudit.install(db, app.app.getHttpServer());
  });

  it(`answers no generated request with a 5xx beyond the contract's (${RUNS} per operation)`, async () => {
    if (!appRoutes(app.app).some((r) => r.method === 'GET' && r.path === '/openapi.json')) {
      // Said out loud rather than skipped in silence: the document comes with the OpenAPI issue.
      console.warn(
        'GET /openapi.json is not served yet: the schema-driven fuzzer had nothing to read',
      );
      return;
    }
    const doc = JSON.parse(
      (await send(app.baseUrl, { method: 'GET', path: '/openapi.json' })).text,
    ) as OpenApiDocument;
    const agent = await agents.start();
    const failures: string[] = [];
    let operations = 0;
    let cast: HostileCast | undefined;
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const method of METHODS) {
        const operation = item[method];
        if (!operation) continue;
        operations++;
        cast = await insertHostileCast(db, agent.url, cast);
        const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
        const result = await fc.check(
          fc.asyncProperty(operationArbitrary(doc, path, operation, cast.ids), async (call) => {
            const { violations } = await probe(
              app.baseUrl,
              audit,
              {
                method: method.toUpperCase(),
                path: call.path,
                headers: {
                  ...call.headers,
                  Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN}`,
                  ...(call.body === undefined ? {} : { 'Content-Type': 'application/json' }),
                },
                body: call.body,
              },
              route,
            );
            if (violations.length > 0)
              throw new Error(
                `${call.path} ${call.body ?? ''}: ${violations.join('; ')}`.slice(0, 1500),
              );
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
        if (result.failed) failures.push(`${route}: ${(result.errorInstance as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    expect(operations).toBeGreaterThan(90);
  }, 1_200_000);
});
