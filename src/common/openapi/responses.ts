import { applyDecorators } from '@nestjs/common';
import { ApiResponse, ResponseObject } from '@nestjs/swagger';
import { named, object, Schema, SchemaObject, str } from './schema';

/** `{"error": "..."}`: the shape of every failure (spec 01 §0), extra keys on some routes. */
export const ERROR_BODY = named(
  'Error',
  object(
    { error: str('A contract string: clients match on some of them.') },
    'Every failure answers this shape; some routes add keys of their own (listed per status).',
  ),
);

/**
 * One error status of a route: the contract's messages (templates in `<angle brackets>`),
 * and the extra keys it sends besides `error`, if any.
 */
export type ErrorSpec =
  | string
  | readonly string[]
  | {
      readonly errors: readonly string[];
      readonly extra?: Record<string, Schema>;
      /** Says when, when the messages alone do not. */
      readonly when?: string;
      /** The body is this plain text instead of JSON. */
      readonly text?: string;
    };

/** Documents the error statuses of a route, each with its messages and body shape. */
export function ApiErrors(statuses: Readonly<Record<number, ErrorSpec>>): MethodDecorator {
  return applyDecorators(
    ...Object.entries(statuses).map(([status, spec]) =>
      ApiResponse({ status: Number(status), ...errorResponse(spec) }),
    ),
  );
}

/** The response object of one error status (shared with what the guards imply). */
export function errorResponse(spec: ErrorSpec): ResponseObject {
  const { errors, extra, when, text } =
    typeof spec === 'string'
      ? { errors: [spec], extra: undefined, when: undefined, text: undefined }
      : isList(spec)
        ? { errors: spec, extra: undefined, when: undefined, text: undefined }
        : spec;
  if (text !== undefined) {
    const content = { 'text/plain': { schema: { type: 'string', example: text } as SchemaObject } };
    return { description: [when, `\`${text}\` (text/plain)`].filter(Boolean).join(': '), content };
  }
  const messages = errors.map((e) => `\`${e}\``).join(', ');
  const description = [when, errors.length > 0 ? `\`error\`: ${messages}` : undefined]
    .filter(Boolean)
    .join('. ');
  const example: Record<string, unknown> = errors.length > 0 ? { error: errors[0] } : {};
  // A few routes answer a failure without `error` (e.g. the 409 asking to confirm a cascade).
  const schema: SchemaObject =
    errors.length === 0
      ? object(extra ?? {})
      : extra
        ? { allOf: [ERROR_BODY, object(extra)], example }
        : { allOf: [ERROR_BODY], example };
  return { description, content: { 'application/json': { schema } } };
}

function isList(spec: ErrorSpec): spec is readonly string[] {
  return Array.isArray(spec);
}

/** A success reply: its status, body schema and what it means. */
export function Reply(status: number, schema: Schema | undefined, description: string) {
  return ApiResponse({
    status,
    description,
    ...(schema ? { schema: schema as SchemaObject } : {}),
  });
}
