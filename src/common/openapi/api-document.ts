import { INestApplication } from '@nestjs/common';
import {
  DocumentBuilder,
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  ReferenceObject,
  ResponseObject,
  SwaggerModule,
} from '@nestjs/swagger';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { GUARD_DOCS, PIPE_DOCS, SECURITY_SCHEMES } from './auth-docs';
import { ERROR_BODY, errorResponse, ErrorSpec } from './responses';
import { HandlerFacts, handlerKey, indexHandlers } from './route-index';
import { int, namedSchemas, object } from './schema';
import { API_TAGS } from './tags';

const DESCRIPTION = `
The control plane for AI-agent workspaces (Molecule AI's \`workspace-server\`, re-implemented on
NestJS), as its clients see it: the canvas web app, the Python workspace runtime, operators.

**Errors.** Every failure answers \`{"error": "<message>"}\` — a contract string clients match
on — plus, on some routes, extra keys listed with the status. A failure the route does not
document answers \`500 {"error": "internal error"}\`; internal detail never reaches the wire.

**Every route**, besides what it documents itself:
- is limited per client IP to \`RATE_LIMIT\` requests a minute (\`X-RateLimit-Limit\`,
  \`-Remaining\`, \`-Reset\` on every response; \`429 {"error": "rate limit exceeded",
  "retry_after": <s>}\` with \`Retry-After\` when spent; off in development mode);
- answers a cross-origin request from an origin outside \`CORS_ORIGINS\` with an empty 403;
- with \`MOLECULE_ORG_ID\` set (SaaS), answers an empty 404 unless the request carries
  \`X-Molecule-Org-Id\` (or Fly's replay state) naming this org, or comes from the same-origin
  canvas — except \`/health\`, \`/ready\`, \`/metrics\`, \`/registry/register\`,
  \`/registry/heartbeat\` and these docs;
- refuses an encoded NUL (\`%00\`) in its URL: \`400 {"error": "invalid request URL"}\`;
- answers \`503 {"error": "platform datastore unavailable — retry shortly", "code":
  "platform_unavailable"}\`, instead of its own 500, when it needs the database and the database
  cannot be reached or does not answer (within \`DATABASE_CONNECT_TIMEOUT_MS\` /
  \`DATABASE_STATEMENT_TIMEOUT_MS\`).

**Auth.** Each operation lists the credentials it accepts (any one of them). Bodies are JSON
unless said otherwise; JSON keys match the documented names case-insensitively, as Go's
decoder does, and unknown keys are ignored.
`.trim();

/**
 * The OpenAPI document of a running application: scanned by `@nestjs/swagger` from the
 * controllers, their DTOs and the `*.api.ts` reply schemas beside them, then completed with
 * what the framework already knows about each handler (its guards and path pipes).
 */
export function buildApiDocument(app: INestApplication): OpenAPIObject {
  const builder = new DocumentBuilder()
    .setTitle('Molecule platform server')
    .setDescription(DESCRIPTION)
    .setVersion(packageVersion());
  for (const tag of API_TAGS) builder.addTag(tag.name, tag.description);
  for (const [name, scheme] of Object.entries(SECURITY_SCHEMES)) builder.addSecurity(name, scheme);
  const config = builder.build();
  config.components = {
    ...config.components,
    schemas: namedSchemas(),
    responses: { RateLimited: RATE_LIMITED },
  };
  const document = SwaggerModule.createDocument(app, config, {
    operationIdFactory: handlerKey,
    autoTagControllers: false,
  });
  completeOperations(document, indexHandlers(app));
  return document;
}

const RATE_LIMITED: ResponseObject = {
  description: 'The per-IP request budget is spent (`RATE_LIMIT` a minute).',
  headers: { 'Retry-After': { description: 'Seconds until the window resets.', schema: int() } },
  content: {
    'application/json': {
      schema: {
        allOf: [ERROR_BODY, object({ retry_after: int('Seconds until the window resets.') })],
        example: { error: 'rate limit exceeded', retry_after: 30 },
      },
    },
  },
};

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** Security, auth failures and path-parameter formats from the handler's guards and pipes. */
function completeOperations(document: OpenAPIObject, handlers: Map<string, HandlerFacts>): void {
  for (const item of Object.values(document.paths)) {
    for (const verb of HTTP_METHODS) {
      const operation = item[verb];
      if (!operation) continue;
      const facts = handlers.get(operation.operationId?.replace(/\[\d+\]$/, '') ?? '');
      if (facts) applyHandlerFacts(operation, facts);
      // The credential is the security scheme's business, not a parameter's.
      operation.parameters = operation.parameters?.filter(
        (p) => !isAuthorizationHeader(p as ParameterObject | ReferenceObject),
      );
      operation.responses['429'] ??= { $ref: '#/components/responses/RateLimited' };
    }
  }
}

function applyHandlerFacts(operation: OperationObject, facts: HandlerFacts): void {
  for (const guard of facts.guards) {
    const docs = GUARD_DOCS.get(guard);
    if (!docs) continue;
    operation.security ??= docs.security;
    for (const [status, spec] of Object.entries(docs.errors)) addError(operation, status, spec);
  }
  for (const parameter of operation.parameters ?? []) {
    if ('$ref' in parameter || parameter.in !== 'path') continue;
    for (const pipe of facts.pathPipes.get(parameter.name) ?? []) {
      const docs = PIPE_DOCS.get(typeof pipe === 'function' ? pipe : pipe?.constructor);
      if (!docs) continue;
      parameter.schema = docs.schema;
      addError(operation, String(docs.status), docs.error);
    }
  }
}

/** Adds an error status, or folds its messages into the route's own entry for that status. */
function addError(operation: OperationObject, status: string, spec: ErrorSpec): void {
  const derived = errorResponse(spec);
  const existing = operation.responses[status] as ResponseObject | undefined;
  if (!existing) {
    operation.responses[status] = derived;
    return;
  }
  if (!existing.description.includes(derived.description)) {
    existing.description = `${existing.description}; or ${derived.description}`;
  }
}

function isAuthorizationHeader(p: ParameterObject | ReferenceObject): boolean {
  return !('$ref' in p) && p.in === 'header' && p.name.toLowerCase() === 'authorization';
}

/** The version in the package.json above this file (src/ or dist/src/ alike). */
function packageVersion(): string {
  for (let dir = __dirname; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file))
      return (JSON.parse(fs.readFileSync(file, 'utf8')) as { version: string }).version;
  }
  return '0.0.0';
}
