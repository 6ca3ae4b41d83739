import { DECORATORS } from '@nestjs/swagger';
import { getMetadataStorage } from 'class-validator';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { CANVAS_CSP } from '../src/common/middleware/security-headers.middleware';
import { API_TAGS } from '../src/common/openapi/tags';
import { isApiDocsPath } from '../src/common/openapi/docs-paths';
import { documentedRoutes, registeredRoutes, RouteKey } from './support/app-routes';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

const VALIDATOR = path.join(__dirname, 'support', 'validate-openapi.mjs');
const VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;

interface Operation {
  operationId: string;
  summary?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, { description?: string; $ref?: string }>;
}
type Document = { openapi: string; paths: Record<string, Partial<Record<string, Operation>>> };

describe('GET /openapi.json', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);
  let document: Document;

  beforeAll(async () => {
    const res = await app.http.get<Document>('/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    document = res.body;
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([p, item]) =>
      VERBS.flatMap((verb) => (item[verb] ? [{ route: `${verb} ${p}`, op: item[verb] }] : [])),
    );

  it('validates against the OpenAPI 3 schema, every $ref resolving', () => {
    expect(document.openapi).toMatch(/^3\./);
    const run = spawnSync(process.execPath, [VALIDATOR], {
      input: JSON.stringify(document),
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toEqual({ valid: true, errors: [] });
  });

  it('the validator refuses a broken document (the check can fail)', () => {
    const broken = { ...document, paths: { '/x': { get: { responses: { 200: {} } } } } };
    const run = spawnSync(process.execPath, [VALIDATOR], {
      input: JSON.stringify(broken),
      encoding: 'utf8',
    });
    expect(JSON.parse(run.stdout).valid).toBe(false);
  });

  it('documents every route the server registers, and no route it does not', () => {
    const served = registeredRoutes(app.app).filter((r) => !isApiDocsPath(r.split(' ')[1]));
    const documented = documentedRoutes(document);
    const missing = served.filter((r) => !documented.includes(r));
    const phantom = documented.filter((r) => !served.includes(r));
    expect({ missing, phantom }).toEqual({ missing: [] as RouteKey[], phantom: [] as RouteKey[] });
    expect(served.length).toBeGreaterThan(100);
  });

  it('gives every operation a summary, a known tag, its security and a described success', () => {
    const known = new Set(API_TAGS.map((t) => t.name));
    const problems: string[] = [];
    for (const { route, op } of operations()) {
      if (!op.summary) problems.push(`${route}: no summary`);
      if (!op.tags?.length || !op.tags.every((t) => known.has(t)))
        problems.push(`${route}: tags ${JSON.stringify(op.tags)}`);
      if (!Array.isArray(op.security)) problems.push(`${route}: security not stated`);
      const statuses = Object.keys(op.responses);
      if (!statuses.some((s) => /^[123]/.test(s))) problems.push(`${route}: no success status`);
      for (const [status, response] of Object.entries(op.responses)) {
        if (!response.$ref && !response.description)
          problems.push(`${route}: ${status} undescribed`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('documents every validated field of every DTO (request bodies come from the DTOs)', () => {
    const storage = getMetadataStorage() as unknown as {
      validationMetadatas: Map<{ name: string; prototype: object }, { propertyName: string }[]>;
    };
    const undocumented: string[] = [];
    for (const [target, rules] of storage.validationMetadatas) {
      const documented = new Set(
        (
          (Reflect.getMetadata(DECORATORS.API_MODEL_PROPERTIES_ARRAY, target.prototype) ??
            []) as string[]
        ).map((p) => p.replace(/^:/, '')),
      );
      for (const { propertyName } of rules) {
        if (!documented.has(propertyName)) undocumented.push(`${target.name}.${propertyName}`);
      }
    }
    expect(storage.validationMetadatas.size).toBeGreaterThan(15);
    expect([...new Set(undocumented)]).toEqual([]);
  });

  it('has unique operation ids', () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('lists the schemes each guard accepts and its refusals', () => {
    const list = document.paths['/workspaces']!.get!;
    expect(list.security).toEqual([{ admin: [] }, { orgToken: [] }, { canvasSession: [] }]);
    expect(list.responses['401'].description).toContain('admin auth required');
    const patch = document.paths['/workspaces/{id}']!.patch!;
    expect(patch.security).toEqual([
      { workspace: [] },
      { admin: [] },
      { orgToken: [] },
      { canvasOrigin: [] },
    ]);
    expect(patch.responses['400'].description).toContain('invalid workspace ID');
    expect(document.paths['/health']!.get!.security).toEqual([]);
    expect(patch.responses['429']).toEqual({ $ref: '#/components/responses/RateLimited' });
  });

  it('is built once and then served as is', async () => {
    const again = await app.http.get<Document>('/openapi.json');
    expect(again.text).toBe(JSON.stringify(document));
  });
});

describe('/docs and /openapi.json behind the global middleware (SaaS mode)', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, {
    MOLECULE_ORG_ID: '7f1f0b1e-2f7c-4c55-9a57-0d3c1f6d2a11',
    RATE_LIMIT: '5',
  });

  it('are open like /health, serve swagger-ui from the package, and share its rate limit', async () => {
    const page = await app.http.get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect(page.headers.get('content-security-policy')).toBe(CANVAS_CSP);

    const bundle = await app.http.get('/docs/swagger-ui-bundle.js');
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('content-type')).toMatch(/javascript/);

    const init = await app.http.get('/docs/swagger-ui-init.js');
    expect(init.text).toContain('"Molecule platform server"');

    expect((await app.http.get('/openapi.json')).status).toBe(200);
    // Any other route still needs the tenant's header.
    expect((await app.http.get('/workspaces')).status).toBe(404);
    const limited = await app.http.get('/openapi.json');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({ error: 'rate limit exceeded', retry_after: expect.any(Number) });
  });
});
