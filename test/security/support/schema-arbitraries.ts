import fc from 'fast-check';

/**
 * fast-check arbitraries derived from an OpenAPI 3 document's JSON schemas: values that follow
 * the schema (types, enums, bounds, required keys, formats), mixed with values that break it
 * (wrong types, dropped required keys, stray keys, hostile strings) — a schema-driven fuzzer's
 * inputs, reproducible from a seed.
 */

export interface JsonSchema {
  readonly $ref?: string;
  readonly type?: string | readonly string[];
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly nullable?: boolean;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly items?: JsonSchema;
  readonly maxItems?: number;
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly oneOf?: readonly JsonSchema[];
  readonly anyOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: JsonSchema;
}

export interface OpenApiOperation {
  readonly parameters?: readonly (OpenApiParameter | { $ref: string })[];
  readonly requestBody?: {
    readonly content?: Readonly<Record<string, { schema?: JsonSchema }>>;
  };
}

export interface OpenApiDocument {
  readonly openapi: string;
  readonly paths: Readonly<Record<string, Readonly<Record<string, OpenApiOperation>>>>;
  readonly components?: {
    readonly schemas?: Readonly<Record<string, JsonSchema>>;
    readonly parameters?: Readonly<Record<string, OpenApiParameter>>;
  };
}

const HOSTILE = [
  '',
  '../../etc/passwd',
  '%00',
  "'; DROP TABLE workspaces; --",
  '<script>x</script>',
  'x'.repeat(5000),
  '\u202e',
  '00000000-0000-0000-0000-000000000000',
  '-1',
  '1e309',
];

/** Follows `#/components/...` references. */
export function resolveRef<T>(doc: OpenApiDocument, value: T | { $ref: string }): T {
  let current: unknown = value;
  for (let hops = 0; hops < 32; hops++) {
    const ref = (current as { $ref?: unknown } | undefined)?.$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) return current as T;
    current = ref
      .slice(2)
      .split('/')
      .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
  }
  throw new Error('reference cycle');
}

const hostileString = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 10 }),
);
const anything = fc.oneof(fc.jsonValue({ maxDepth: 2 }), hostileString);

/** Values for `schema`: conforming most of the time, then anything that breaks it. */
export function schemaArbitrary(
  doc: OpenApiDocument,
  schema: JsonSchema | undefined,
  ids: readonly string[],
  depth = 0,
): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: conforming(doc, schema, ids, depth) },
    { weight: 1, arbitrary: anything },
  );
}

function conforming(
  doc: OpenApiDocument,
  raw: JsonSchema | undefined,
  ids: readonly string[],
  depth: number,
): fc.Arbitrary<unknown> {
  if (!raw || depth > 4) return anything;
  const schema = resolveRef<JsonSchema>(doc, raw);
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum && schema.enum.length > 0) return fc.constantFrom(...schema.enum);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives && alternatives.length > 0)
    return fc.oneof(...alternatives.map((s) => conforming(doc, s, ids, depth + 1)));
  if (schema.allOf && schema.allOf.length > 0)
    return conforming(doc, mergeAll(doc, schema.allOf), ids, depth + 1);
  const types = typeof schema.type === 'string' ? [schema.type] : (schema.type ?? []);
  const nullable = schema.nullable || types.includes('null');
  const type = types.find((t) => t !== 'null') ?? (schema.properties ? 'object' : undefined);
  const value = typed(doc, schema, type, ids, depth);
  return nullable
    ? fc.oneof({ weight: 5, arbitrary: value }, { weight: 1, arbitrary: fc.constant(null) })
    : value;
}

function typed(
  doc: OpenApiDocument,
  schema: JsonSchema,
  type: string | undefined,
  ids: readonly string[],
  depth: number,
): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      if (schema.format === 'uuid') return fc.oneof(fc.constantFrom(...ids), fc.uuid());
      if (schema.format === 'date-time')
        return fc.date({ noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'uri')
        return fc.oneof(
          fc.webUrl(),
          fc.constantFrom('http://127.0.0.1:9/', 'http://169.254.169.254/'),
        );
      return fc.oneof(
        fc.string({
          minLength: schema.minLength ?? 0,
          maxLength: Math.min(schema.maxLength ?? 40, 200),
        }),
        fc.constantFrom(...ids),
        hostileString,
      );
    case 'integer': {
      const bounds = [schema.minimum, schema.maximum]
        .filter((b): b is number => b !== undefined)
        .flatMap((b) => [b - 1, b, b + 1]);
      return fc.oneof(
        fc.integer({
          min: Math.max(schema.minimum ?? -(2 ** 31), -(2 ** 53)),
          max: Math.min(schema.maximum ?? 2 ** 31, 2 ** 53),
        }),
        fc.constantFrom(0, -1, 2 ** 31, 2 ** 53, 1e300, ...bounds),
      );
    }
    case 'number':
      return fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer());
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(schemaArbitrary(doc, schema.items, ids, depth + 1), {
        maxLength: Math.min(schema.maxItems ?? 4, 4),
      });
    case 'object':
      return objectOf(doc, schema, ids, depth);
    default:
      return anything;
  }
}

function objectOf(
  doc: OpenApiDocument,
  schema: JsonSchema,
  ids: readonly string[],
  depth: number,
): fc.Arbitrary<Record<string, unknown>> {
  const properties = Object.entries(schema.properties ?? {});
  const required = new Set(schema.required ?? []);
  const fields = properties.map(([name, s]) =>
    fc.tuple(
      fc.constant(name),
      schemaArbitrary(doc, s, ids, depth + 1),
      // Required keys are nearly always there, optional ones about half the time.
      fc.integer({ min: 0, max: 9 }).map((n) => n < (required.has(name) ? 9 : 5)),
    ),
  );
  const extra =
    schema.additionalProperties && typeof schema.additionalProperties === 'object'
      ? fc.dictionary(
          fc.string({ maxLength: 10 }),
          schemaArbitrary(doc, schema.additionalProperties, ids, depth + 1),
          { maxKeys: 3 },
        )
      : fc
          .option(fc.dictionary(fc.string({ maxLength: 8 }), anything, { maxKeys: 2 }), { freq: 4 })
          .map((d) => d ?? {});
  return fc.tuple(fc.tuple(...fields), extra).map(([chosen, stray]) => {
    const body: Record<string, unknown> = { ...stray };
    for (const [name, value, present] of chosen) if (present) body[name] = value;
    return body;
  });
}

function mergeAll(doc: OpenApiDocument, schemas: readonly JsonSchema[]): JsonSchema {
  const resolved = schemas.map((s) => resolveRef<JsonSchema>(doc, s));
  return {
    type: resolved.find((s) => s.type)?.type ?? 'object',
    properties: Object.assign({}, ...resolved.map((s) => s.properties ?? {})),
    required: resolved.flatMap((s) => s.required ?? []),
  };
}

/** One generated request for an operation: path and query values, headers and a body. */
export interface GeneratedCall {
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
}

/** Requests for `method path` built from its parameters and request body schema. */
export function operationArbitrary(
  doc: OpenApiDocument,
  path: string,
  operation: OpenApiOperation,
  ids: readonly string[],
): fc.Arbitrary<GeneratedCall> {
  const params = (operation.parameters ?? []).map((p) => resolveRef<OpenApiParameter>(doc, p));
  const valueOf = (p: OpenApiParameter) =>
    schemaArbitrary(doc, p.schema, ids).map((v) =>
      typeof v === 'string' ? v : (JSON.stringify(v) ?? ''),
    );
  const pathParams = params.filter((p) => p.in === 'path');
  const query = params.filter((p) => p.in === 'query');
  const headers = params.filter(
    (p) => p.in === 'header' && p.name.toLowerCase() !== 'authorization',
  );
  const jsonSchema = operation.requestBody?.content?.['application/json']?.schema;
  return fc
    .record({
      path: fc.tuple(...pathParams.map(valueOf)),
      query: fc.tuple(...query.map((p) => fc.option(valueOf(p), { freq: 3 }))),
      headers: fc.tuple(...headers.map((p) => fc.option(valueOf(p), { freq: 3 }))),
      body: jsonSchema
        ? schemaArbitrary(doc, jsonSchema, ids).map((b) => JSON.stringify(b) ?? 'null')
        : fc.constant(undefined),
    })
    .map(({ path: values, query: queryValues, headers: headerValues, body }) => {
      let url = path;
      pathParams.forEach(
        (p, i) => (url = url.replace(`{${p.name}}`, encodeURIComponent(values[i]))),
      );
      const pairs = query.flatMap((p, i) => {
        const v = queryValues[i];
        return v === null ? [] : [`${encodeURIComponent(p.name)}=${encodeURIComponent(v)}`];
      });
      const sent: Record<string, string> = {};
      headers.forEach((p, i) => {
        const v = headerValues[i];
        // Header values must be sendable: control characters would be refused by the client.
        if (v !== null) sent[p.name] = v.replace(/[^\x20-\x7e]/g, '');
      });
      return { path: pairs.length > 0 ? `${url}?${pairs.join('&')}` : url, headers: sent, body };
    });
}
