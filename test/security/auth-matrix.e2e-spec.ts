import { randomBytes } from 'node:crypto';
import { appRoutes, AppRoute, routeKey } from '../support/app-routes';
import { insertOrgToken } from '../support/factories';
import { useTestApp } from '../support/test-app';
import { TestDatabase, useTestDatabase } from '../support/test-database';
import { ImageEngine } from '../../src/provisioner/images/image-engine.port';
import { FakeDocker } from '../support/fake-compute';
import { FakeImageEngine } from '../support/fake-image-engine';
import { WorkspaceFileStore } from '../../src/provisioner/workspace-file-store';
import { FakeFileStore } from '../support/fake-file-store';
import { useComputeApp } from '../support/lifecycle';
import {
  AUTH_REFUSALS,
  Credential,
  CREDENTIALS,
  expectedOutcome,
  MatrixConfig,
} from './support/auth-expectations';
import { ROUTE_AUTH } from './support/route-auth';
import { isApiDocsPath } from '../../src/common/openapi/docs-paths';
import { useScratchDir } from './support/hostile-app';
import { Cast, insertCast, requestFor } from './support/route-requests';
import { send } from './support/send';

/**
 * Table entries for routes of features still landing. Once such a route is served it must
 * leave this list (the test says so), so the list only ever shrinks.
 */
const LANDING = new Set<string>([]);

const ADMIN_TOKEN = randomBytes(32).toString('base64url');

const CONFIGS: MatrixConfig[] = [
  { name: 'ADMIN_TOKEN set', adminTokenSet: true },
  { name: 'no ADMIN_TOKEN (workspace tokens are admin)', adminTokenSet: false },
];

/**
 * An app with every backend a route may need (in-memory Docker, image engine, file store), so no
 * route is hidden for want of one (the image refresh is served only in Docker mode).
 */
function useLiveApp(db: TestDatabase, env: Record<string, string>) {
  const configsDir = useScratchDir('molecule-matrix-configs-');
  return useComputeApp(db, { CONFIGS_DIR: configsDir, ...env }, { docker: new FakeDocker() }, [
    { provide: ImageEngine, useValue: new FakeImageEngine() },
    { provide: WorkspaceFileStore, useValue: new FakeFileStore() },
  ]);
}

describe('auth matrix: every route × every credential, against the contract table', () => {
  const db = useTestDatabase();

  describe('the table', () => {
    const app = useLiveApp(db, {});

    it('has an entry for every route the app serves', () => {
      const missing = appRoutes(app.app)
        .map(routeKey)
        .filter((key) => !(key in ROUTE_AUTH));
      expect(missing).toEqual([]);
    });

    it('names only routes the app serves, or routes of features still landing', () => {
      const served = new Set(appRoutes(app.app).map(routeKey));
      const stale = Object.keys(ROUTE_AUTH).filter((key) => !served.has(key) && !LANDING.has(key));
      const landed = [...LANDING].filter((key) => served.has(key));
      expect({ stale, landed }).toEqual({ stale: [], landed: [] });
    });
  });

  describe.each(CONFIGS)('$name', (config) => {
    const app = useLiveApp(db, config.adminTokenSet ? { ADMIN_TOKEN } : {});
    let orgToken = '';
    beforeAll(async () => {
      orgToken = await insertOrgToken(db);
    });

    function authHeaders(credential: Credential, cast: Cast): Record<string, string> {
      const bearer = (token: string) => ({ Authorization: `Bearer ${token}` });
      // Without ADMIN_TOKEN, "the admin token" is a made-up one: it must open nothing.
      const adminToken = config.adminTokenSet ? ADMIN_TOKEN : randomBytes(32).toString('base64url');
      switch (credential) {
        case 'none':
          return {};
        case 'own':
          return bearer(cast.tokens.own);
        case 'other-workspace':
          return bearer(cast.tokens.otherWorkspace);
        case 'revoked':
          return bearer(cast.tokens.revoked);
        case 'removed-workspace':
          return bearer(cast.tokens.removedWorkspace);
        case 'admin-token':
          return bearer(adminToken);
        case 'org':
          return bearer(orgToken);
        case 'malformed':
          return {
            Authorization: `bearer ${config.adminTokenSet ? ADMIN_TOKEN : cast.tokens.own}`,
          };
        case 'canvas-origin':
          return { Origin: 'http://localhost:3000' };
      }
    }

    async function tryRoute(route: AppRoute, credential: Credential): Promise<string | null> {
      const entry = ROUTE_AUTH[routeKey(route)];
      if (!entry) return null; // reported by the table test
      const cast = await insertCast(db);
      const req = requestFor(route, entry.auth, cast);
      const res = await send(app.baseUrl, {
        ...req,
        headers: { ...req.headers, ...authHeaders(credential, cast) },
      });
      const expected = expectedOutcome(entry.auth, credential, config);
      const got = `${res.status} ${res.error ?? res.text.slice(0, 80)}`;
      const where = `${routeKey(route)} [${entry.auth}] with ${credential}`;
      if (expected.allow) {
        // Refused where the table lets it through: less open than the contract.
        if (res.status === 401 || (res.error !== undefined && AUTH_REFUSALS.has(res.error)))
          return `${where}: refused (${got}), the table allows it`;
        return null;
      }
      if (res.status !== expected.status || res.error !== expected.error)
        return `${where}: answered ${got}, the table says ${expected.status} ${expected.error}`;
      return null;
    }

    it('refuses every credential the table refuses, with its status and message, and lets the others through', async () => {
      const routes = appRoutes(app.app);
      const failures: string[] = [];
      for (const route of routes) {
        for (const credential of CREDENTIALS) {
          const failure = await tryRoute(route, credential);
          if (failure) failures.push(failure);
        }
      }
      expect(failures).toEqual([]);
      expect(routes.length).toBeGreaterThan(90);
    }, 240_000);
  });

  describe('the A2A proxy and the schedule peer view name their caller', () => {
    const app = useTestApp(db, { ADMIN_TOKEN });
    const routes = ['/workspaces/:id/a2a', '/workspaces/:id/schedules/health'];

    it.each(['system:cron', 'webhook:github', 'test:x', 'channel:slack', 'not-a-uuid'])(
      'refuses the caller %s from HTTP with 403, whatever the bearer',
      async (caller) => {
        const cast = await insertCast(db);
        for (const path of routes) {
          for (const bearer of [ADMIN_TOKEN, cast.tokens.own, undefined]) {
            const req = requestFor(
              { method: path.endsWith('a2a') ? 'POST' : 'GET', path },
              'caller-token',
              cast,
            );
            const res = await send(app.baseUrl, {
              ...req,
              headers: {
                ...req.headers,
                'X-Workspace-ID': caller,
                ...(bearer ? { Authorization: `Bearer ${bearer}` } : {}),
              },
            });
            expect({ path, status: res.status, error: res.error }).toEqual({
              path,
              status: 403,
              error: 'invalid caller ID',
            });
          }
        }
      },
    );

    it('the schedule peer view needs a caller; the proxy takes a caller-less request for the canvas', async () => {
      const cast = await insertCast(db);
      const health = await send(app.baseUrl, {
        method: 'GET',
        path: `/workspaces/${cast.target}/schedules/health`,
      });
      expect([health.status, health.error]).toEqual([401, 'X-Workspace-ID header required']);
      const req = requestFor({ method: 'POST', path: '/workspaces/:id/a2a' }, 'caller-token', cast);
      const canvas = await send(app.baseUrl, {
        ...req,
        headers: { 'Content-Type': 'application/json' },
      });
      expect(canvas.status).not.toBe(401);
      expect(canvas.status).not.toBe(403);
    });
  });

  describe('in production (MOLECULE_ENV=production)', () => {
    const app = useTestApp(db, {
      ADMIN_TOKEN,
      MOLECULE_ENV: 'production',
      SECRETS_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });

    it('hides the test-token route from every credential, ADMIN_TOKEN included', async () => {
      const cast = await insertCast(db);
      for (const bearer of [ADMIN_TOKEN, cast.tokens.own, undefined]) {
        const res = await send(app.baseUrl, {
          method: 'GET',
          path: `/admin/workspaces/${cast.subject}/test-token`,
          headers: bearer ? { Authorization: `Bearer ${bearer}` } : {},
        });
        expect([res.status, res.error]).toEqual([404, 'not found']);
      }
    });
  });

  describe('with MOLECULE_ORG_ID set (tenant guard, 01 §2.9)', () => {
    const ORG_ID = 'org-matrix';
    const app = useLiveApp(db, { MOLECULE_ORG_ID: ORG_ID, ADMIN_TOKEN });
    /**
     * Exact paths that serve every tenant: probes and the runtime's register and heartbeat; and
     * the API docs.
     */
    const UNGUARDED = new Set([
      '/health',
      '/ready',
      '/metrics',
      '/registry/register',
      '/registry/heartbeat',
    ]);

    it('answers a bare 404 on every other route to a request not meant for this org, even with ADMIN_TOKEN', async () => {
      const cast = await insertCast(db);
      const failures: string[] = [];
      for (const route of appRoutes(app.app)) {
        const req = requestFor(route, ROUTE_AUTH[routeKey(route)]?.auth ?? 'open', cast);
        for (const orgHeader of [undefined, 'org-other']) {
          const res = await send(app.baseUrl, {
            ...req,
            headers: {
              ...req.headers,
              Authorization: `Bearer ${ADMIN_TOKEN}`,
              ...(orgHeader ? { 'X-Molecule-Org-Id': orgHeader } : {}),
            },
          });
          const guarded = res.status === 404 && res.text === '';
          if (guarded === (UNGUARDED.has(req.path) || isApiDocsPath(req.path)))
            failures.push(
              `${routeKey(route)} with org ${orgHeader ?? 'none'}: ${res.status} ${res.text.slice(0, 60)}`,
            );
        }
      }
      expect(failures).toEqual([]);
    });
  });
});
