import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
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
