import fc from 'fast-check';
import { InstallPluginDto } from '../../../src/plugins/workspace/dto/install-plugin.dto';
import { RouteHandler } from '../../support/route-handlers';
import { routeKey } from '../../support/app-routes';
import { bodyText, dtoObject, IdPool } from './body-arbitraries';

/**
 * Generated bodies per route. A route that reads its body through `JsonBody` gets bodies
 * derived from its DTO (from the route's own metadata, so a new DTO route needs nothing here).
 * The routes that read their body themselves, or decode it into a map, are listed with the
 * keys they read; every other POST/PUT/PATCH route gets arbitrary JSON (it must ignore it).
 */

const anyValue = (pool: IdPool) =>
  fc.oneof(
    fc.jsonValue({ maxDepth: 2 }),
    fc.constantFrom(...pool.ids),
    fc.string({ maxLength: 30 }),
    fc.constantFrom('', '../../etc/passwd', 'x'.repeat(300), -1, 2 ** 31, 1e308, null),
  );

/** An object over `keys` (each present or not) with values of any type, plus a stray key. */
const keyed = (keys: readonly string[], pool: IdPool) =>
  fc
    .tuple(
      fc.tuple(...keys.map((k) => fc.tuple(fc.constant(k), anyValue(pool), fc.boolean()))),
      fc.option(fc.tuple(fc.string({ maxLength: 8 }), anyValue(pool))),
    )
    .map(([fields, stray]) => {
      const body: Record<string, unknown> = {};
      for (const [k, v, present] of fields) if (present) body[k] = v;
      if (stray) body[stray[0]] = stray[1];
      return JSON.stringify(body);
    });

/** Map-decoded and self-read bodies: the keys each reads (spec and controllers). */
const KNOWN_KEYS: Readonly<Record<string, readonly string[]>> = {
  'PATCH /workspaces/:id': [
    'name',
    'role',
    'tier',
    'parent_id',
    'runtime',
    'workspace_dir',
    'workspace_access',
    'x',
    'y',
    'collapsed',
    'budget_limit',
    'max_concurrent_tasks',
  ],
  'PATCH /workspaces/:id/budget': ['budget_limit'],
  'PUT /canvas/viewport': ['x', 'y', 'zoom'],
  'POST /admin/workspaces/:id/bootstrap-failed': ['error', 'log_tail'],
  'POST /workspaces/:id/restart': ['template', 'apply_template', 'reset', 'rebuild_config'],
  'POST /org/tokens': ['name'],
};

const textPart = (pool: IdPool) =>
  fc.record(
    {
      kind: fc.constantFrom('text', 'file', 'data', 'x'),
      type: fc.constantFrom('text', 'file'),
      text: fc.oneof(fc.string({ maxLength: 50 }), anyValue(pool)),
    },
    { requiredKeys: [] },
  );

/** JSON-RPC envelopes, full or as the runtime's short form, with every field sometimes wrong. */
const a2aBody = (pool: IdPool) =>
  fc
    .record(
      {
        jsonrpc: fc.oneof(fc.constant('2.0'), anyValue(pool)),
        id: fc.oneof(fc.integer(), fc.string({ maxLength: 10 }), fc.constant(null)),
        method: fc.oneof(
          fc.constantFrom('message/send', 'message/stream', 'tasks/get', 'tasks/cancel'),
          fc.string({ maxLength: 20 }),
        ),
        params: fc.oneof(
          fc.record(
            {
              message: fc.record(
                {
                  role: fc.constantFrom('user', 'agent', ''),
                  parts: fc.array(textPart(pool), { maxLength: 3 }),
                  messageId: fc.oneof(fc.uuid(), anyValue(pool)),
                },
                { requiredKeys: [] },
              ),
              metadata: anyValue(pool),
            },
            { requiredKeys: [] },
          ),
          anyValue(pool),
        ),
      },
      { requiredKeys: [] },
    )
    .map((body) => JSON.stringify(body));

const memoriesImport = (pool: IdPool) =>
  fc
    .array(
      fc.record(
        {
          content: fc.oneof(fc.string({ maxLength: 40 }), anyValue(pool)),
          scope: fc.oneof(fc.constantFrom('LOCAL', 'TEAM', 'GLOBAL', 'local', ''), anyValue(pool)),
          namespace: anyValue(pool),
          workspace_id: fc.oneof(fc.constantFrom(...pool.ids), anyValue(pool)),
          created_at: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            anyValue(pool),
          ),
        },
        { requiredKeys: [] },
      ),
      { maxLength: 4 },
    )
    .map((rows) => JSON.stringify(rows));

const bundle = (pool: IdPool): fc.Arbitrary<string> =>
  fc
    .record(
      {
        name: anyValue(pool),
        tier: anyValue(pool),
        model: anyValue(pool),
        runtime: fc.oneof(fc.constantFrom('langgraph', 'claude-code', '../x'), anyValue(pool)),
        system_prompt: anyValue(pool),
        prompts: fc.dictionary(fc.string({ maxLength: 12 }), anyValue(pool), { maxKeys: 3 }),
        skills: fc.array(
          fc.record(
            {
              id: anyValue(pool),
              name: anyValue(pool),
              files: fc.dictionary(
                fc.constantFrom('SKILL.md', '../../x', '/etc/passwd', 'a/b.md'),
                anyValue(pool),
              ),
            },
            { requiredKeys: [] },
          ),
          { maxLength: 2 },
        ),
        sub_workspaces: fc.array(fc.record({ name: anyValue(pool) }, { requiredKeys: [] }), {
          maxLength: 3,
        }),
        agent_card: anyValue(pool),
      },
      { requiredKeys: [] },
    )
    .map((b) => JSON.stringify(b));

/** Routes whose body is not read through `JsonBody` but with a known shape. */
const SELF_READ: Readonly<Record<string, (pool: IdPool) => fc.Arbitrary<string>>> = {
  'POST /workspaces/:id/a2a': a2aBody,
  'POST /admin/memories/import': memoriesImport,
  'POST /bundles/import': bundle,
  'POST /workspaces/:id/plugins': (pool) =>
    dtoObject(InstallPluginDto, pool).map((b) => JSON.stringify(b)),
};

/** Generated raw bodies for one route. */
export function bodiesFor(route: RouteHandler, pool: IdPool): fc.Arbitrary<string> {
  const key = routeKey(route);
  const selfRead = SELF_READ[key];
  const keys = KNOWN_KEYS[key];
  const shaped = selfRead
    ? selfRead(pool)
    : keys
      ? keyed(keys, pool)
      : bodyText(route.jsonBody?.dto as never, pool);
  // Whatever the route, some bodies are not what it reads at all.
  return fc.oneof(
    { weight: 12, arbitrary: shaped },
    { weight: 1, arbitrary: bodyText(undefined, pool) },
  );
}

/** Which routes take generated bodies: every route a client sends a body to. */
export function takesBody(route: RouteHandler): boolean {
  return ['POST', 'PUT', 'PATCH'].includes(route.method);
}
