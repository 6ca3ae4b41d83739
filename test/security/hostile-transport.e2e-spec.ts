import fc from 'fast-check';
import { randomUUID } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join, normalize } from 'node:path/posix';
import { AppConfig } from '../../src/config/app-config';
import { WorkspaceFileStore } from '../../src/provisioner/workspace-file-store';
import { FakeFileStore } from '../support/fake-file-store';
import { routeKey } from '../support/app-routes';
import { useTestAgents } from '../support/agents';
import { RouteHandler, routeHandlers } from '../support/route-handlers';
import { useTestDatabase } from '../support/test-database';
import { describeWrites, REQUEST_ID_HEADER, WriteAudit } from '../support/write-audit';
import { fieldRules } from './support/body-arbitraries';
import {
  HOSTILE_ADMIN_TOKEN,
  HostileCast,
  insertHostileCast,
  probe,
  useHostileApp,
} from './support/hostile-app';
import { takesBody } from './support/route-bodies';
import { RawRequest, send } from './support/send';

/**
 * Hostile input below and around the JSON: path parameters and query strings (traversal,
 * encodings, junk), oversized and cut-off bodies, 200-level nesting, invalid UTF-8, NUL
 * bytes, duplicate keys, huge and malformed headers. Every route the app serves is tried.
 */
const RUNS = Math.max(10, Math.floor(Number(process.env.HOSTILE_RUNS ?? 100) / 4));
const MIB = 1024 * 1024;

/** Path segments and query values that have broken routers and handlers. */
const SEGMENTS = [
  '..',
  '%2e%2e',
  '%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
  '..%2F..%2F..%2Fetc%2Fpasswd',
  '..%252F..%252Fetc%252Fpasswd',
  '%c0%ae%c0%ae%2f',
  '.%2e',
  '%2F',
  '%5C..%5C..%5Cwindows',
  '%ff%fe',
  '%',
  '%zz',
  '%E2%80%AE',
  encodeURIComponent("'; DROP TABLE workspaces; --"),
  encodeURIComponent('<script>alert(1)</script>'),
  'x'.repeat(4000),
  '00000000-0000-0000-0000-000000000000',
  'urn:uuid:00000000-0000-0000-0000-000000000000',
];

const QUERY_KEYS = [
  'q',
  'limit',
  'offset',
  'type',
  'source',
  'since',
  'max_age_minutes',
  'workspace_id',
  'scope',
  'runtime',
  'path',
  'root',
  'force',
  'purge',
  'confirm',
  'status',
  'constructor',
  '__proto__',
  'a[b]',
];

const segment = fc.oneof(
  fc.constantFrom(...SEGMENTS),
  fc.string({ unit: 'grapheme', maxLength: 20 }).map(encodeURIComponent),
  fc.uuid(),
);
const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom(...QUERY_KEYS), fc.string({ maxLength: 6 })),
      fc.oneof(
        segment,
        fc.constantFrom(
          '-1',
          '0',
          '99999999999999999999',
          '1e3',
          '',
          '../../etc/passwd',
          '/etc/passwd',
        ),
      ),
    ),
    { maxLength: 4 },
  )
  .map((pairs) =>
    pairs.length === 0
      ? ''
      : '?' + pairs.map(([k, v]) => `${encodeURIComponent(k)}=${v}`).join('&'),
  );

describe('hostile input around the JSON: paths, queries, sizes, encodings, headers', () => {
  const db = useTestDatabase();
  const app = useHostileApp(db);
  const agents = useTestAgents();
  let audit: WriteAudit;
  let cast: HostileCast;
  let routes: RouteHandler[];
  const admin = {
    Authorization: `Bearer ${HOSTILE_ADMIN_TOKEN}`,
    'Content-Type': 'application/json',
  };

  beforeAll(async () => {
    audit = await WriteAudit.install(db, app.app.getHttpServer());
    routes = routeHandlers(app.app);
  });
  beforeEach(async () => {
    cast = await insertHostileCast(db, (await agents.start()).url, cast);
  });
  let afterTemplate = () => {};
  afterEach(() => afterTemplate());

  /**
   * Probes each request; returns the violations, each prefixed with what was sent. A server
   * that refuses a large body before reading it may close the connection under the client's
   * upload (the client then loses the answer to a reset): for bodies over 64 KiB that counts
   * as a refusal, provided the server goes on serving.
   */
  async function probeAll(requests: Iterable<[string, RawRequest]>): Promise<string[]> {
    const failures: string[] = [];
    for (const [label, req] of requests) {
      const { violations } = await probe(app.baseUrl, audit, req, label);
      for (const v of withoutResetsOnLargeBodies(violations, req))
        failures.push(`${label} ${req.method} ${req.path.slice(0, 120)}: ${v}`);
    }
    return failures;
  }

  const fillPath = (route: RouteHandler, value: (name: string) => string) =>
    route.path.replace(/[:*](\w+)/g, (_, name: string) => value(name));

  it(`generated path parameters and query strings (${RUNS} per route, every route): no 5xx, no leak, no write when refused`, async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const result = await fc.check(
        fc.asyncProperty(
          fc.array(fc.oneof(segment, fc.constant(cast.subject)), { minLength: 3, maxLength: 3 }),
          queryString,
          async (values, query) => {
            let i = 0;
            const path = fillPath(route, () => values[i++ % values.length]) + query;
            const { violations } = await probe(
              app.baseUrl,
              audit,
              {
                method: route.method,
                path,
                headers: admin,
                body: takesBody(route) ? '{}' : undefined,
              },
              routeKey(route),
            );
            if (violations.length > 0) throw new Error(`${path}: ${violations.join('; ')}`);
          },
        ),
        { numRuns: RUNS, endOnFailure: true },
      );
      if (result.failed)
        failures.push(`${routeKey(route)}: ${(result.errorInstance as Error).message}`);
    }
    expect(failures).toEqual([]);
  }, 600_000);

  it('raw path traversal, never normalised by the client: no route serves, reads or writes a file outside its root', async () => {
    // The subject reads its files from a template on the host (it has no container), so a path
    // escaping the template directory would reach this machine's file system.
    const template = join(app.app.get(AppConfig).configsDir, 'hostile-subject');
    mkdirSync(template, { recursive: true });
    writeFileSync(join(template, 'config.yaml'), 'name: hostile-subject\n');
    afterTemplate = () => rmSync(template, { recursive: true, force: true });
    const own = await send(app.baseUrl, {
      method: 'GET',
      path: `/workspaces/${cast.subject}/files/config.yaml`,
      headers: admin,
    });
    expect([own.status, own.text]).toEqual([200, expect.stringContaining('hostile-subject')]);

    const traversals = [
      '../../../../etc/passwd',
      '..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd',
      '%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd',
      '....//....//etc/passwd',
      '..\\..\\..\\etc\\passwd',
      '/etc/passwd',
    ];
    // Each place on its own, so a check of one (a bad `root`) cannot hide another (the path).
    const requests: [string, RawRequest, 'path' | 'query' | 'body'][] = [];
    for (const route of routes)
      for (const t of traversals) {
        const plain = fillPath(route, (name) => (name === 'id' ? cast.subject : 'fuzz.md'));
        const base = { method: route.method, headers: admin };
        const emptyBody = takesBody(route) ? '{}' : undefined;
        if (/[:*]\w+/.test(route.path.replace(':id', '')))
          requests.push([
            routeKey(route),
            {
              ...base,
              path: fillPath(route, (name) => (name === 'id' ? cast.subject : t)),
              body: emptyBody,
            },
            'path',
          ]);
        requests.push([
          routeKey(route),
          { ...base, path: `${plain}?path=${t}&root=${t}&source=local://${t}`, body: emptyBody },
          'query',
        ]);
        if (takesBody(route))
          requests.push([
            routeKey(route),
            {
              ...base,
              path: plain,
              body: JSON.stringify({
                path: t,
                source: `local://${t}`,
                name: t,
                files: { [t]: 'x' },
              }),
            },
            'body',
          ]);
      }
    const files = app.app.get(WorkspaceFileStore) as FakeFileStore;
    files.calls.length = 0;
    const failures: string[] = [];
    for (const [label, req, where] of requests) {
      const { res, violations } = await probe(app.baseUrl, audit, req, label);
      failures.push(...violations.map((v) => `${label} ${req.path}: ${v}`));
      if (/root:.*:0:0:/.test(res.text)) failures.push(`${label} ${req.path}: served /etc/passwd`);
      // A file path that climbs out is refused, whatever the route would have done with it.
      if (where === 'path' && label.includes('*path') && res.status < 400)
        failures.push(`${label} ${req.path}: accepted (${res.status} ${res.text.slice(0, 60)})`);
    }
    // Nothing that reached the file store names a path outside the workspace's roots.
    const escaped = files.calls.filter((call) => {
      const file = call.split(' ').slice(2).join(' ');
      return (
        file.startsWith('/') && !/^\/(configs|workspace|home|plugins)(\/|$)/.test(normalize(file))
      );
    });
    expect({ failures, escaped }).toEqual({ failures: [], escaped: [] });
  }, 300_000);

  /** Body routes whose body the server must read (the others may ignore it). */
  const bodyRoutes = () => routes.filter(takesBody);

  it('an oversized body is refused with 413 (or the route’s own 400) before it is read whole, and nothing is written', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes()) {
      const path = fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID()));
      // The route's own limit, else the A2A proxy's 1 MiB, else the default 4 MiB.
      const size = (route.jsonBody?.limit ?? (route.path.endsWith('/a2a') ? MIB : 4 * MIB)) + 1;
      const body = `{"x":"${'a'.repeat(size)}"}`;
      const { res, violations } = await probe(
        app.baseUrl,
        audit,
        {
          method: route.method,
          path,
          headers: admin,
          body,
        },
        routeKey(route),
      );
      failures.push(
        ...withoutResetsOnLargeBodies(violations, { method: route.method, path, body }).map(
          (v) => `${routeKey(route)}: ${v}`,
        ),
      );
      if (route.jsonBody && res.status !== 0 && ![400, 413].includes(res.status))
        failures.push(`${routeKey(route)}: a ${size}-byte body answered ${res.status}`);
    }
    expect(failures).toEqual([]);
    expect((await send(app.baseUrl, { method: 'GET', path: '/health' })).status).toBe(200);
  }, 300_000);

  it('a body cut off mid-transfer, or announced longer than sent, gets an answer and writes nothing', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes()) {
      const path = fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID()));
      const id = randomUUID();
      const answer = await rawExchange(
        app.baseUrl,
        `${route.method} ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${HOSTILE_ADMIN_TOKEN}\r\n` +
          `${REQUEST_ID_HEADER}: ${id}\r\n` +
          `Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{"name":"cut`,
        { halfClose: true },
      );
      if (/^HTTP\/1\.1 5/.test(answer)) failures.push(`${routeKey(route)}: ${answer.slice(0, 80)}`);
      const writes = await audit.byRequest(id);
      if (writes.length > 0)
        failures.push(`${routeKey(route)}: a cut-off body wrote ${describeWrites(writes)}`);
    }
    expect(failures).toEqual([]);
    // The server still serves.
    expect((await send(app.baseUrl, { method: 'GET', path: '/health' })).status).toBe(200);
  }, 300_000);

  it('200-level nested JSON in every field and as the whole body: no 5xx, no leak, no write when refused', async () => {
    const nest = (depth: number, leaf: unknown): unknown =>
      Array.from({ length: depth }).reduce<unknown>(
        (inner, _, i) => (i % 2 ? [inner] : { a: inner }),
        leaf,
      );
    const requests: [string, RawRequest][] = [];
    for (const route of bodyRoutes()) {
      const path = fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID()));
      const fields = route.jsonBody?.dto
        ? fieldRules(route.jsonBody.dto as never).map((r) => r.name)
        : ['x'];
      const bodies = [
        JSON.stringify(nest(200, 1)),
        '['.repeat(200) + ']'.repeat(200),
        '['.repeat(100_000) + ']'.repeat(100_000),
        '{"a":'.repeat(20_000) + '1' + '}'.repeat(20_000),
        ...fields.map((f) =>
          JSON.stringify({ workspace_id: cast.subject, id: cast.subject, [f]: nest(200, 'deep') }),
        ),
      ];
      for (const body of bodies)
        requests.push([routeKey(route), { method: route.method, path, headers: admin, body }]);
    }
    expect(await probeAll(requests)).toEqual([]);
  }, 300_000);

  it('invalid UTF-8, escaped and raw NUL, and lone surrogates in every body: 400 and nothing written', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes().filter((r) => r.jsonBody && !r.jsonBody.optional)) {
      const path = fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID()));
      const fields = route.jsonBody?.dto ? fieldRules(route.jsonBody.dto as never) : [];
      const stringField = fields.find((f) => f.checks.has('isString'))?.name ?? 'name';
      const bodies: (string | Buffer)[] = [
        Buffer.concat([
          Buffer.from(`{"${stringField}":"a`),
          Buffer.from([0xff, 0xfe, 0xc0, 0xaf]),
          Buffer.from('"}'),
        ]),
        Buffer.concat([
          Buffer.from(`{"${stringField}":"a`),
          Buffer.from([0xed, 0xa0, 0x80]),
          Buffer.from('"}'),
        ]),
        `{"${stringField}":"a\\u0000b"}`,
        `{"${stringField}\\u0000":"a"}`,
        `{"${stringField}":"a\u0000b"}`,
        `{"${stringField}":"\\ud800"}`,
      ];
      for (const body of bodies) {
        const { res, violations } = await probe(
          app.baseUrl,
          audit,
          {
            method: route.method,
            path,
            headers: admin,
            body,
          },
          routeKey(route),
        );
        failures.push(...violations.map((v) => `${routeKey(route)}: ${v}`));
        if (res.status !== 400)
          failures.push(
            `${routeKey(route)} ${JSON.stringify(body.toString())}: ${res.status} ${res.text.slice(0, 80)}`,
          );
      }
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('duplicate keys: the last one wins, as in Go, and never breaks a route', async () => {
    const failures: string[] = [];
    for (const route of bodyRoutes()) {
      const path = fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID()));
      const fields = route.jsonBody?.dto
        ? fieldRules(route.jsonBody.dto as never).map((r) => r.name)
        : ['name'];
      const body = `{${fields.map((f) => `"${f}":{"dup":[1,2]},"${f}":"second"`).join(',')}}`;
      const { violations } = await probe(
        app.baseUrl,
        audit,
        {
          method: route.method,
          path,
          headers: admin,
          body,
        },
        routeKey(route),
      );
      failures.push(...violations.map((v) => `${routeKey(route)}: ${v}`));
    }
    expect(failures).toEqual([]);
    const created = await send(app.baseUrl, {
      method: 'POST',
      path: '/workspaces',
      headers: admin,
      body: '{"name":"first","name":"second","tier":1,"tier":2}',
    });
    expect(created.status).toBe(201);
    const [row] = await db.query<{ name: string; tier: number }>(
      'SELECT name, tier FROM workspaces WHERE id = $1',
      [JSON.parse(created.text).id],
    );
    expect(row).toEqual({ name: 'second', tier: 2 });
  }, 300_000);

  it('huge, numerous and malformed headers are refused by the HTTP layer; the server keeps serving', async () => {
    const big = 'x'.repeat(20 * 1024);
    const answers = {
      'one 20 KiB header': await rawExchange(
        app.baseUrl,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${big}\r\n\r\n`,
      ),
      '10 MiB of headers': await rawExchange(
        app.baseUrl,
        `GET /health HTTP/1.1\r\nHost: x\r\n${`X-H: ${'y'.repeat(1000)}\r\n`.repeat(10 * 1024)}\r\n`,
      ),
      '3000 headers': await rawExchange(
        app.baseUrl,
        `GET /health HTTP/1.1\r\nHost: x\r\n${'X-A: 1\r\n'.repeat(3000)}\r\n`,
      ),
      'a NUL in a header': await rawExchange(
        app.baseUrl,
        `GET /health HTTP/1.1\r\nHost: x\r\nX-N: a\u0000b\r\n\r\n`,
      ),
      'a bare LF line': await rawExchange(
        app.baseUrl,
        `GET /health HTTP/1.1\nHost: x\nX-Injected: 1\n\n`,
      ),
      'two Content-Lengths': await rawExchange(
        app.baseUrl,
        `POST /registry/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 40\r\n\r\n{}`,
      ),
      'Content-Length and chunked': await rawExchange(
        app.baseUrl,
        `POST /registry/heartbeat HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n`,
      ),
      'invalid UTF-8 in the path': await rawExchange(
        app.baseUrl,
        `GET /workspaces/\xff\xfe HTTP/1.1\r\nHost: x\r\n\r\n`,
        { latin1: true },
      ),
      'a 64 KiB path': await rawExchange(
        app.baseUrl,
        `GET /workspaces/${'a'.repeat(64 * 1024)} HTTP/1.1\r\nHost: x\r\n\r\n`,
      ),
    };
    const statuses = Object.fromEntries(
      Object.entries(answers).map(([what, answer]) => [
        what,
        /^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 'closed',
      ]),
    );
    for (const [what, status] of Object.entries(statuses))
      expect({ what, fiveHundred: status.startsWith('5') }).toEqual({ what, fiveHundred: false });
    expect(statuses['one 20 KiB header']).toBe('431');
    expect(statuses['a NUL in a header']).toBe('400');
    expect(statuses['two Content-Lengths']).toBe('400');
    expect(statuses['Content-Length and chunked']).toBe('400');
    expect((await send(app.baseUrl, { method: 'GET', path: '/health' })).status).toBe(200);
  }, 120_000);

  it('leaves Object.prototype as it found it, whatever keys the bodies carried', async () => {
    for (const route of bodyRoutes())
      await send(app.baseUrl, {
        method: route.method,
        path: fillPath(route, (name) => (name === 'id' ? cast.subject : randomUUID())),
        headers: admin,
        body: '{"__proto__":{"polluted":true,"isAdmin":true},"constructor":{"prototype":{"polluted":true}}}',
      });
    expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('polluted');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();
  });
});

function withoutResetsOnLargeBodies(violations: string[], req: RawRequest): string[] {
  const large = (req.body?.length ?? 0) > 64 * 1024;
  return violations.filter((v) => !(large && /^no answer: .*(ECONNRESET|EPIPE)/.test(v)));
}

/**
 * Writes `raw` to a fresh connection and returns what came back before the server closed it
 * (or 2 s of silence). With `halfClose` the client stops sending after `raw`.
 */
function rawExchange(
  baseUrl: string,
  raw: string,
  options: { halfClose?: boolean; latin1?: boolean } = {},
): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    const chunks: Buffer[] = [];
    const done = () => {
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(done, 2_000);
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      if (/\r\n\r\n/.test(Buffer.concat(chunks).toString('latin1'))) setTimeout(done, 50);
    });
    socket.on('error', done);
    socket.on('close', done);
    socket.write(Buffer.from(raw, options.latin1 ? 'latin1' : 'utf8'), () => {
      if (options.halfClose) socket.end();
    });
  });
}
