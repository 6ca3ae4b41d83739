import { createServer, IncomingHttpHeaders, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WorkspaceTokens } from '../src/common/auth/workspace-tokens.service';
import { HostResolver } from '../src/common/ssrf/host-resolver';
import { FakeHostResolver } from '../src/common/ssrf/testing/fake-host-resolver';
import { insertOrgToken, insertToken, insertWorkspace, WorkspaceSeed } from './support/factories';
import { startTestApp, TestApp, useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const FORBIDDEN = '{"error":"not authorized to discover this workspace"}';
const UNAVAILABLE =
  '{"error":"platform datastore unavailable — retry shortly","code":"platform_unavailable"}';
const UNKNOWN = '00000000-0000-4000-8000-00000000dead';

interface Credentials {
  readonly caller?: string;
  readonly bearer?: string;
  readonly cookie?: string;
}

function headers({ caller, bearer, cookie }: Credentials): Record<string, string> {
  return {
    ...(caller !== undefined && { 'X-Workspace-ID': caller }),
    ...(bearer !== undefined && { Authorization: `Bearer ${bearer}` }),
    ...(cookie !== undefined && { Cookie: cookie }),
  };
}

const discover = (app: TestApp, target: string, credentials: Credentials = {}) =>
  app.http.get(`/registry/discover/${target}`, { headers: headers(credentials) });

const peers = (app: TestApp, id: string, credentials: Credentials = {}, query = '') =>
  app.http.get(`/registry/${id}/peers${query}`, { headers: headers(credentials) });

/** `internal_url` is not in the factory's seed type: it is written straight after the insert. */
async function insert(
  db: TestDatabase,
  seed: WorkspaceSeed & { internal_url?: string | null } = {},
): Promise<string> {
  const { internal_url, ...rest } = seed;
  const id = await insertWorkspace(db, rest);
  if (internal_url !== undefined) {
    await db.query('UPDATE workspaces SET internal_url = $2 WHERE id = $1', [id, internal_url]);
  }
  return id;
}

/** A team (root parent) with two members: discovery between the members is allowed. */
async function team(db: TestDatabase, target: WorkspaceSeed & { internal_url?: string | null }) {
  const parent = await insert(db, { name: 'lead' });
  const caller = await insert(db, { name: 'caller', parent_id: parent });
  const id = await insert(db, { name: 'target', ...target, parent_id: parent });
  return { parent, caller, target: id };
}

const synthesized = (id: string) => `http://ws-${id.slice(0, 12)}:8000`;

describe('discovery', () => {
  const db = useTestDatabase();
  const resolver = new FakeHostResolver();
  // Production, so the dev hatch is closed (production also insists on a secrets key).
  const production = {
    MOLECULE_ENV: 'production',
    SECRETS_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
  };
  const app = useTestApp(db, production, [{ provide: HostResolver, useValue: resolver }]);

  describe('GET /registry/discover/:id', () => {
    it('answers 400 when X-Workspace-ID is missing or blank', async () => {
      const { target } = await team(db, {});
      for (const caller of [undefined, '', '   ']) {
        const res = await discover(app, target, { caller });
        expect([res.status, res.text]).toEqual([
          400,
          '{"error":"X-Workspace-ID header is required"}',
        ]);
      }
    });

    it('answers 400 invalid workspace ID for a malformed caller header or path id', async () => {
      const { caller, target } = await team(db, {});
      for (const res of [
        await discover(app, target, { caller: 'not-a-uuid' }),
        await discover(app, 'not-a-uuid', { caller }),
      ]) {
        expect([res.status, res.text]).toEqual([400, '{"error":"invalid workspace ID"}']);
      }
    });

    it('hands out the URL the agent registered with', async () => {
      const { caller, target } = await team(db, { status: 'provisioning' });
      const registered = await app.http.post('/registry/register', {
        id: target,
        url: 'http://localhost:1234',
        agent_card: { name: 'target' },
      });
      expect(registered.status).toBe(200);

      const res = await discover(app, target, { caller });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: target, url: 'http://localhost:1234', name: 'target' });
    });

    it('answers the stored internal URL of an online or degraded target', async () => {
      for (const status of ['online', 'degraded']) {
        const { caller, target } = await team(db, { status, internal_url: 'http://agent:8000' });
        const res = await discover(app, target, { caller });
        expect([res.status, res.body]).toEqual([
          200,
          { id: target, url: 'http://agent:8000', name: 'target' },
        ]);
      }
    });

    it('synthesises http://ws-<first 12 chars>:8000 when no URL was reported', async () => {
      for (const internal_url of [null, '']) {
        const { caller, target } = await team(db, { internal_url });
        const res = await discover(app, target, { caller });
        expect([res.status, res.body]).toEqual([
          200,
          { id: target, url: synthesized(target), name: 'target' },
        ]);
      }
    });

    it('answers 503 with the status for a target that is not online, never a stale URL', async () => {
      const statuses = [
        'offline',
        'paused',
        'hibernated',
        'hibernating',
        'failed',
        'provisioning',
        'awaiting_agent',
        'removed',
      ];
      for (const status of statuses) {
        const { caller, target } = await team(db, { status, internal_url: 'http://agent:8000' });
        const res = await discover(app, target, { caller });
        expect([res.status, res.text]).toEqual([
          503,
          JSON.stringify({ error: 'workspace not available', status }),
        ]);
      }
    });

    it('answers 403 for a cousin, an unknown target and an unknown caller', async () => {
      const { caller } = await team(db, {});
      const { target: cousin } = await team(db, {});
      for (const res of [
        await discover(app, cousin, { caller }),
        await discover(app, UNKNOWN, { caller }),
        await discover(app, cousin, { caller: UNKNOWN }),
      ]) {
        expect([res.status, res.text]).toEqual([403, FORBIDDEN]);
      }
    });

    it('lets a parent discover a grandchild and a workspace discover itself', async () => {
      const { parent, target } = await team(db, {});
      const grandchild = await insert(db, { name: 'grandchild', parent_id: target });
      const down = await discover(app, grandchild, { caller: parent });
      expect([down.status, down.body.url]).toEqual([200, synthesized(grandchild)]);
      const self = await discover(app, target, { caller: target });
      expect([self.status, self.body.url]).toEqual([200, synthesized(target)]);
    });

    describe('caller auth (keyed by X-Workspace-ID)', () => {
      it('needs the caller’s own bearer once the caller holds a token', async () => {
        const { caller, target } = await team(db, {});
        const token = await insertToken(db, caller);
        const targetToken = await insertToken(db, target);
        const cases: [Credentials, number, string | undefined][] = [
          [{ caller }, 401, 'missing workspace auth token'],
          [{ caller, bearer: 'garbage' }, 401, 'invalid workspace auth token'],
          [{ caller, bearer: targetToken }, 401, 'invalid workspace auth token'],
          [{ caller, bearer: await insertOrgToken(db) }, 401, 'invalid workspace auth token'],
          [{ caller, bearer: token }, 200, undefined],
        ];
        for (const [credentials, status, error] of cases) {
          const res = await discover(app, target, credentials);
          expect([res.status, res.body.error]).toEqual([status, error]);
        }
      });

      it('does not care whether the target holds a token', async () => {
        const { caller, target } = await team(db, {});
        await insertToken(db, target);
        expect((await discover(app, target, { caller })).status).toBe(200);
      });

      it('ignores a cookie when no MOLECULE_ORG_SLUG is configured', async () => {
        const { caller, target } = await team(db, {});
        const token = await insertToken(db, caller);
        const res = await discover(app, target, { caller, cookie: 'session=x' });
        expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
        const withBearer = await discover(app, target, {
          caller,
          cookie: 'session=x',
          bearer: token,
        });
        expect(withBearer.status).toBe(200);
      });

      it('checks auth before the hierarchy rule', async () => {
        const { caller } = await team(db, {});
        await insertToken(db, caller);
        const res = await discover(app, UNKNOWN, { caller });
        expect([res.status, res.body]).toEqual([401, { error: 'missing workspace auth token' }]);
      });
    });

    describe('external targets', () => {
      const external = (url: string | null, status = 'online') =>
        team(db, { runtime: 'external', url, status });

      it('points a container caller at the host through host.docker.internal', async () => {
        resolver.set('host.docker.internal', ['203.0.114.10']);
        const { caller, target } = await external('http://127.0.0.1:9000/a2a');
        const res = await discover(app, target, { caller });
        expect([res.status, res.body]).toEqual([
          200,
          { id: target, url: 'http://host.docker.internal:9000/a2a', name: 'target' },
        ]);
      });

      it('rewrites the first "localhost" anywhere in the URL, as the reference does', async () => {
        resolver.set('host.docker.internal.agents.example', ['203.0.114.11']);
        const { caller, target } = await external(
          'https://localhost.agents.example:8443/localhost',
        );
        const res = await discover(app, target, { caller });
        expect([res.status, res.body.url]).toEqual([
          200,
          'https://host.docker.internal.agents.example:8443/localhost',
        ]);
      });

      it('gives an external caller the URL unchanged', async () => {
        resolver.set('localhost.agents.example', ['203.0.114.12']);
        const { parent, target } = await external('https://localhost.agents.example/a2a');
        const caller = await insert(db, { runtime: 'external', parent_id: parent });
        const res = await discover(app, target, { caller });
        expect([res.status, res.body]).toEqual([
          200,
          { id: target, url: 'https://localhost.agents.example/a2a', name: 'target' },
        ]);
      });

      it('answers whatever the target’s status, since its URL is its own', async () => {
        resolver.set('agent.example', ['203.0.114.13']);
        const { caller, target } = await external('http://agent.example/a2a', 'offline');
        expect((await discover(app, target, { caller })).body.url).toBe('http://agent.example/a2a');
      });

      it('answers 503 when the URL fails the outbound guard', async () => {
        resolver.set('metadata.example', ['169.254.169.254']);
        resolver.set('bridge.example', ['172.17.0.1']);
        const urls = [
          'http://169.254.169.254/latest/meta-data',
          'http://metadata.example/a2a',
          // Strict mode: a private (e.g. Docker bridge) address is not reachable-safe.
          'http://bridge.example/a2a',
          'http://unresolvable.example/a2a',
          'ftp://agent.example/a2a',
        ];
        for (const url of urls) {
          const { caller, target } = await external(url);
          const res = await discover(app, target, { caller });
          expect([url, res.status, res.text]).toEqual([
            url,
            503,
            '{"error":"workspace URL failed safety check"}',
          ]);
        }
      });

      it('falls through to the status rule when the external target has no URL', async () => {
        const online = await external(null);
        const res = await discover(app, online.target, { caller: online.caller });
        expect([res.status, res.body.url]).toEqual([200, synthesized(online.target)]);

        const waiting = await external('', 'awaiting_agent');
        const refused = await discover(app, waiting.target, { caller: waiting.caller });
        expect([refused.status, refused.body]).toEqual([
          503,
          { error: 'workspace not available', status: 'awaiting_agent' },
        ]);
      });
    });
  });

  describe('GET /registry/:id/peers', () => {
    /**
     *   grand ─┬─ lead (parent) ─┬─ me ─┬─ child ── grandchild
     *          │                 │      └─ gone-child (removed)
     *          │                 ├─ sib-1, sib-2
     *          │                 └─ gone-sib (removed)
     *          └─ uncle
     */
    async function neighbourhood() {
      const grand = await insert(db, { name: 'grand' });
      const uncle = await insert(db, { name: 'uncle', parent_id: grand });
      const lead = await insert(db, { name: 'Lead', role: 'Team Lead', parent_id: grand });
      const me = await insert(db, { name: 'me', parent_id: lead });
      const sib1 = await insert(db, {
        name: 'Alpha Writer',
        role: 'Copy Editor',
        tier: 2,
        status: 'degraded',
        url: 'http://sib-1:8000',
        agent_card: { name: 'alpha', skills: [] },
        active_tasks: 3,
        parent_id: lead,
      });
      const sib2 = await insert(db, {
        name: 'beta',
        role: '',
        agent_card: null,
        url: null,
        parent_id: lead,
      });
      const goneSib = await insert(db, { name: 'gone-sib', status: 'removed', parent_id: lead });
      const child = await insert(db, { name: 'child', role: 'Researcher', parent_id: me });
      const goneChild = await insert(db, { name: 'gone', status: 'removed', parent_id: me });
      const grandchild = await insert(db, { name: 'grandchild', parent_id: child });
      return { grand, uncle, lead, me, sib1, sib2, goneSib, child, goneChild, grandchild };
    }

    it('lists siblings, then children, then the parent — nothing further, nothing removed', async () => {
      const n = await neighbourhood();
      const res = await peers(app, n.me);
      expect(res.status).toBe(200);
      const ids = (res.body as { id: string }[]).map((p) => p.id);
      expect(ids).toHaveLength(4);
      expect(ids.slice(0, 2).sort()).toEqual([n.sib1, n.sib2].sort());
      expect(ids.slice(2)).toEqual([n.child, n.lead]);
    });

    it('describes each peer with the contract’s fields', async () => {
      const n = await neighbourhood();
      const res = await peers(app, n.me);
      const byId = new Map((res.body as { id: string }[]).map((p) => [p.id, p]));
      expect(byId.get(n.sib1)).toEqual({
        id: n.sib1,
        name: 'Alpha Writer',
        role: 'Copy Editor',
        tier: 2,
        status: 'degraded',
        agent_card: { name: 'alpha', skills: [] },
        url: 'http://sib-1:8000',
        parent_id: n.lead,
        active_tasks: 3,
      });
      // Empty role → null, JSON-null card → null, NULL url → "".
      expect(byId.get(n.sib2)).toEqual({
        id: n.sib2,
        name: 'beta',
        role: null,
        tier: 1,
        status: 'online',
        agent_card: null,
        url: '',
        parent_id: n.lead,
        active_tasks: 0,
      });
      expect(byId.get(n.lead)).toMatchObject({ role: 'Team Lead', parent_id: n.grand });
    });

    it('leaves out a removed parent, and still answers for a removed workspace', async () => {
      const n = await neighbourhood();
      await db.query(`UPDATE workspaces SET status = 'removed' WHERE id = $1`, [n.lead]);
      const res = await peers(app, n.me);
      expect((res.body as { id: string }[]).map((p) => p.id)).not.toContain(n.lead);

      const ofRemoved = await peers(app, n.goneChild);
      expect(ofRemoved.status).toBe(200);
      expect((ofRemoved.body as { id: string }[]).map((p) => p.id)).toEqual([n.child, n.me]);
    });

    it('filters on name or role, case-insensitively', async () => {
      const n = await neighbourhood();
      const names = async (q: string) => {
        const res = await peers(app, n.me, {}, `?q=${encodeURIComponent(q)}`);
        expect(res.status).toBe(200);
        return (res.body as { name: string }[]).map((p) => p.name);
      };
      expect(await names('ALPHA')).toEqual(['Alpha Writer']);
      expect(await names('editor')).toEqual(['Alpha Writer']);
      expect(await names('research')).toEqual(['child']);
      expect(await names('LEAD')).toEqual(['Lead']);
      expect(await names('   ')).toHaveLength(4);
      expect(await names('')).toHaveLength(4);
    });

    it('answers [] — never null — when nothing matches', async () => {
      const n = await neighbourhood();
      const res = await peers(app, n.me, {}, '?q=zzz-nobody');
      expect([res.status, res.text]).toEqual([200, '[]']);
    });

    it('answers 404 for an unknown workspace and 400 for a malformed id', async () => {
      const missing = await peers(app, UNKNOWN);
      expect([missing.status, missing.text]).toEqual([404, '{"error":"workspace not found"}']);
      const malformed = await peers(app, 'nope');
      expect([malformed.status, malformed.text]).toEqual([400, '{"error":"invalid workspace ID"}']);
    });

    it('authenticates the path workspace, ignoring X-Workspace-ID', async () => {
      const n = await neighbourhood();
      const token = await insertToken(db, n.me);
      const siblingToken = await insertToken(db, n.sib1);
      const cases: [Credentials, number, string | undefined][] = [
        [{}, 401, 'missing workspace auth token'],
        [{ caller: n.sib2 }, 401, 'missing workspace auth token'],
        [{ caller: n.sib1, bearer: siblingToken }, 401, 'invalid workspace auth token'],
        [{ bearer: 'garbage' }, 401, 'invalid workspace auth token'],
        [{ bearer: token }, 200, undefined],
      ];
      for (const [credentials, status, error] of cases) {
        const res = await peers(app, n.me, credentials);
        expect([res.status, res.body.error]).toEqual([status, error]);
      }
    });

    it('stays closed in production without a bearer', async () => {
      const n = await neighbourhood();
      await insertToken(db, n.me);
      expect((await peers(app, n.me)).status).toBe(401);
    });

    describe('of a root workspace (own database: every root is a peer)', () => {
      const rootsDb = useTestDatabase();
      const rootsApp = useTestApp(rootsDb);

      it('answers [] for a lone root, then the other live roots and its children', async () => {
        const root = await insert(rootsDb, { name: 'root' });
        const lone = await peers(rootsApp, root);
        expect([lone.status, lone.text]).toEqual([200, '[]']);

        const other = await insert(rootsDb, { name: 'other root' });
        await insert(rootsDb, { name: 'gone root', status: 'removed' });
        const child = await insert(rootsDb, { name: 'child', parent_id: root });
        await insert(rootsDb, { name: 'nephew', parent_id: other });
        const res = await peers(rootsApp, root);
        expect((res.body as { id: string }[]).map((p) => p.id)).toEqual([other, child]);
        expect(res.body[0].parent_id).toBeNull();
      });
    });
  });

  describe('the dev-mode hatch (MOLECULE_ENV=development, no ADMIN_TOKEN)', () => {
    const devResolver = new FakeHostResolver({ 'host.docker.internal': ['172.17.0.1'] });
    const devApp = useTestApp(db, { MOLECULE_ENV: 'development' }, [
      { provide: HostResolver, useValue: devResolver },
    ]);

    it('lets bearerless (or wrongly bearered) requests through despite live tokens', async () => {
      const { caller, target } = await team(db, {});
      await insertToken(db, caller);
      await insertToken(db, target);
      expect((await peers(devApp, target)).status).toBe(200);
      expect((await peers(devApp, target, { bearer: 'garbage' })).status).toBe(200);
      expect((await discover(devApp, target, { caller })).status).toBe(200);
    });

    it('lets the outbound guard accept loopback and the Docker bridge', async () => {
      const { parent, caller, target } = await team(db, {
        runtime: 'external',
        url: 'http://127.0.0.1:9000/a2a',
      });
      const hostCaller = await insert(db, { runtime: 'external', parent_id: parent });
      const fromContainer = await discover(devApp, target, { caller });
      expect([fromContainer.status, fromContainer.body.url]).toEqual([
        200,
        'http://host.docker.internal:9000/a2a',
      ]);
      const fromHost = await discover(devApp, target, { caller: hostCaller });
      expect([fromHost.status, fromHost.body.url]).toEqual([200, 'http://127.0.0.1:9000/a2a']);
    });
  });

  describe('the dev-mode hatch with ADMIN_TOKEN set', () => {
    const closedApp = useTestApp(db, { MOLECULE_ENV: 'development', ADMIN_TOKEN: 'disc-admin' });

    it('is closed, and the admin token is no discovery credential', async () => {
      const { caller, target } = await team(db, {});
      await insertToken(db, caller);
      await insertToken(db, target);
      const bare = await peers(closedApp, target);
      expect([bare.status, bare.body]).toEqual([401, { error: 'missing workspace auth token' }]);
      const admin = await peers(closedApp, target, { bearer: 'disc-admin' });
      expect([admin.status, admin.body]).toEqual([401, { error: 'invalid workspace auth token' }]);
      const disc = await discover(closedApp, target, { caller });
      expect([disc.status, disc.body]).toEqual([401, { error: 'missing workspace auth token' }]);
    });
  });

  describe('control-plane sessions (MOLECULE_ORG_SLUG + CP_UPSTREAM_URL)', () => {
    const cp = fakeControlPlane({
      'session=member': [200, { member: true, user_id: 'u-1' }],
      'session=member-2': [200, { member: true, user_id: 'u-2' }],
      'session=outsider': [200, { member: false, user_id: 'u-3' }],
      'session=nobody': [200, { member: true, user_id: '' }],
      'session=broken': [500, { error: 'boom' }],
    });
    let sessionApp: TestApp;
    beforeAll(async () => {
      sessionApp = await startTestApp(db.url, {
        MOLECULE_ORG_SLUG: 'acme',
        CP_UPSTREAM_URL: `${cp.url()}/`,
      });
    });
    afterAll(() => sessionApp.close());

    it('lets a tenant member’s session in without a bearer', async () => {
      const { caller, target } = await team(db, {});
      await insertToken(db, caller);
      await insertToken(db, target);
      const res = await discover(sessionApp, target, { caller, cookie: 'session=member' });
      expect(res.status).toBe(200);
      expect(cp.requests.at(-1)).toEqual({
        path: '/cp/auth/tenant-member?slug=acme',
        cookie: 'session=member',
        userAgent: 'molecule-tenant-platform/session-verifier',
      });
      expect((await peers(sessionApp, target, { cookie: 'session=member-2' })).status).toBe(200);
    });

    it('answers 401 invalid session for anything but a member with a user id', async () => {
      const { caller, target } = await team(db, {});
      const token = await insertToken(db, caller);
      for (const cookie of ['session=outsider', 'session=nobody', 'session=broken', 'x=unknown']) {
        const res = await discover(sessionApp, target, { caller, cookie });
        expect([cookie, res.status, res.text]).toEqual([
          cookie,
          401,
          '{"error":"invalid session"}',
        ]);
        // A presented session is judged before the bearer, as in the reference.
        const withBearer = await discover(sessionApp, target, { caller, cookie, bearer: token });
        expect(withBearer.status).toBe(401);
      }
    });

    it('falls back to the bearer without a cookie', async () => {
      const { caller, target } = await team(db, {});
      const token = await insertToken(db, caller);
      expect((await discover(sessionApp, target, { caller })).status).toBe(401);
      expect((await discover(sessionApp, target, { caller, bearer: token })).status).toBe(200);
    });

    it('does not ask the control plane while the workspace holds no token', async () => {
      const { caller, target } = await team(db, {});
      const before = cp.requests.length;
      const res = await discover(sessionApp, target, { caller, cookie: 'session=outsider' });
      expect(res.status).toBe(200);
      expect(cp.requests).toHaveLength(before);
    });
  });

  describe('a session cookie with a slug but no CP_UPSTREAM_URL', () => {
    const noCpApp = useTestApp(db, { MOLECULE_ORG_SLUG: 'acme' });

    it('is presented and invalid', async () => {
      const { caller, target } = await team(db, {});
      await insertToken(db, caller);
      const res = await discover(noCpApp, target, { caller, cookie: 'session=member' });
      expect([res.status, res.body]).toEqual([401, { error: 'invalid session' }]);
    });
  });

  describe('when the token lookup fails', () => {
    const failing = {
      gate: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:5432')),
    };
    const downApp = useTestApp(db, {}, [{ provide: WorkspaceTokens, useValue: failing }]);

    it('fails closed with 503 platform_unavailable', async () => {
      const { caller, target } = await team(db, {});
      const disc = await discover(downApp, target, { caller });
      expect([disc.status, disc.text]).toEqual([503, UNAVAILABLE]);
      const list = await peers(downApp, target);
      expect([list.status, list.text]).toEqual([503, UNAVAILABLE]);
    });
  });
});

/** A stand-in control plane answering tenant-member checks by cookie, on 127.0.0.1. */
function fakeControlPlane(answers: Record<string, [number, unknown]>) {
  const requests: { path: string; cookie?: string; userAgent?: string }[] = [];
  let server: Server | undefined;
  beforeAll(async () => {
    server = createServer((req, res) => {
      const h: IncomingHttpHeaders = req.headers;
      requests.push({ path: req.url ?? '', cookie: h.cookie, userAgent: h['user-agent'] });
      const [status, body] = answers[h.cookie ?? ''] ?? [401, { error: 'no session' }];
      res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => server?.close(() => resolve())));
  return {
    requests,
    url: () => `http://127.0.0.1:${(server!.address() as AddressInfo).port}`,
  };
}
