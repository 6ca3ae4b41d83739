/**
 * Checks one real response against what an OpenAPI document says of its operation: the status
 * is documented; an error body's `error` is one of the messages listed for that status (a
 * `<placeholder>` matching anything); a JSON body has the required keys of its schema.
 */

type Schema = {
  $ref?: string;
  type?: string;
  required?: string[];
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
};
interface Response {
  $ref?: string;
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}
export interface OpenApiDocument {
  paths: Record<string, Record<string, { responses: Record<string, Response> }>>;
  components: { schemas: Record<string, Schema>; responses: Record<string, Response> };
}

export function conformanceProblems(
  document: OpenApiDocument,
  method: string,
  template: string,
  status: number,
  body: unknown,
): string[] {
  const operation = document.paths[template]?.[method.toLowerCase()];
  if (!operation) return [`${method} ${template} is not documented`];
  let response = operation.responses[String(status)];
  if (response?.$ref) response = document.components.responses[response.$ref.split('/').pop()!];
  if (!response) return [`${method} ${template}: status ${status} is not documented`];

  const problems: string[] = [];
  const where = `${method} ${template} ${status}`;
  const error = isObject(body) && typeof body.error === 'string' ? body.error : undefined;
  if (status >= 400 && error !== undefined) {
    const messages = [...(response.description ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1]);
    if (!messages.some((m) => messageMatches(m, error)))
      problems.push(
        `${where}: error ${JSON.stringify(error)} is not among ${JSON.stringify(messages)}`,
      );
  }
  const schema = response.content?.['application/json']?.schema;
  if (schema && body !== undefined && typeof body === 'object') {
    const missing = missingKeys(document, schema, body);
    if (missing.length > 0) problems.push(`${where}: body lacks ${missing.join(', ')}`);
  }
  return problems;
}

/** A documented message, its `<placeholders>` standing for any text. */
function messageMatches(documented: string, actual: string): boolean {
  if (documented === actual) return true;
  if (!documented.includes('<')) return false;
  const pattern = documented
    .split(/<[^>]+>/)
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('[\\s\\S]*');
  return new RegExp(`^${pattern}$`).test(actual);
}

/** Required keys the body lacks (first level, and in the first element of an array). */
function missingKeys(document: OpenApiDocument, raw: Schema, body: unknown): string[] {
  const schema = resolve(document, raw);
  if (schema.allOf) return schema.allOf.flatMap((s) => missingKeys(document, s, body));
  if (schema.oneOf) {
    const verdicts = schema.oneOf.map((s) => missingKeys(document, s, body));
    return verdicts.some((v) => v.length === 0) ? [] : verdicts[0];
  }
  if (schema.type === 'array' && Array.isArray(body) && body.length > 0 && schema.items)
    return missingKeys(document, schema.items, body[0]).map((k) => `[0].${k}`);
  if (schema.required && isObject(body)) return schema.required.filter((k) => !(k in body));
  return [];
}

function resolve(document: OpenApiDocument, schema: Schema): Schema {
  return schema.$ref ? document.components.schemas[schema.$ref.split('/').pop()!] : schema;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
