import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

export type { ReferenceObject, SchemaObject };
export type Schema = SchemaObject | ReferenceObject;

/**
 * Small builders for the reply schemas the controllers' `*.api.ts` files declare. Replies are
 * plain objects built by services (no classes to reflect on), so their wire shape is written
 * down here, in OpenAPI's own terms, field names exactly as they travel.
 */
export const str = (description?: string): SchemaObject => ({ type: 'string', description });
export const int = (description?: string): SchemaObject => ({ type: 'integer', description });
export const num = (description?: string): SchemaObject => ({ type: 'number', description });
export const bool = (description?: string): SchemaObject => ({ type: 'boolean', description });
export const uuid = (description?: string): SchemaObject => ({
  type: 'string',
  format: 'uuid',
  description,
});
/** An RFC 3339 timestamp as Go's encoder writes one. */
export const dateTime = (description?: string): SchemaObject => ({
  type: 'string',
  format: 'date-time',
  description,
});
/** Any JSON value, stored and returned as given. */
export const anyJson = (description?: string): SchemaObject => ({ description });
export const stringEnum = (values: readonly string[], description?: string): SchemaObject => ({
  type: 'string',
  enum: [...values],
  description,
});
export const constant = (value: string | number | boolean, description?: string): SchemaObject => ({
  type: typeof value === 'number' ? 'number' : (typeof value as 'string' | 'boolean'),
  enum: [value],
  description,
});
export const arrayOf = (items: Schema, description?: string): SchemaObject => ({
  type: 'array',
  items,
  description,
});
/** A JSON object with free keys (`additionalProperties` typed by `values`). */
export const mapOf = (values: Schema, description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: values,
  description,
});
export const freeObject = (description?: string): SchemaObject => ({
  type: 'object',
  additionalProperties: true,
  description,
});

/** `null` allowed besides the schema (OpenAPI 3.0 style). */
export function nullable(schema: Schema): Schema {
  if ('$ref' in schema) return { allOf: [schema], nullable: true } as SchemaObject;
  return { ...schema, nullable: true };
}

/**
 * A JSON object. Every key listed is always present unless its name ends with `?` (sent only
 * sometimes); `description` says what the object is.
 */
export function object(properties: Record<string, Schema>, description?: string): SchemaObject {
  const props: Record<string, Schema> = {};
  const required: string[] = [];
  for (const [key, schema] of Object.entries(properties)) {
    const optional = key.endsWith('?');
    const name = optional ? key.slice(0, -1) : key;
    props[name] = schema;
    if (!optional) required.push(name);
  }
  return {
    type: 'object',
    properties: props,
    ...(required.length > 0 ? { required } : {}),
    description,
  };
}

const NAMED = new Map<string, SchemaObject>();

/**
 * Registers a reusable reply schema under `components/schemas/<name>` and returns a reference to
 * it. Names are global: a second, different schema under the same name is a programming error.
 */
export function named(name: string, schema: SchemaObject): ReferenceObject {
  const existing = NAMED.get(name);
  if (existing && JSON.stringify(existing) !== JSON.stringify(schema)) {
    throw new Error(`OpenAPI schema ${name} is declared twice with different shapes`);
  }
  NAMED.set(name, schema);
  return { $ref: `#/components/schemas/${name}` };
}

/** Every schema registered with `named`, for the document's components. */
export function namedSchemas(): Record<string, SchemaObject> {
  return Object.fromEntries(NAMED);
}
