import { createParamDecorator, ExecutionContext, PipeTransform, Type } from '@nestjs/common';
import { ApiBody } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import type { Request } from 'express';
import { badRequest } from './api-error';
import { matchFieldNames } from './go-field-names';
import { jsonText } from './json-text';
import { DEFAULT_JSON_BODY_LIMIT, readBody } from './read-body';

export interface JsonBodyOptions {
  /**
   * A missing, empty, malformed or non-object body is accepted and yields `undefined` (e.g.
   * restart's optional body, whose binding errors the reference ignored).
   */
  readonly optional?: boolean;
  readonly limit?: number;
  /**
   * A JSON `null` body is read as `{}`: Go decodes `null` into a struct or map as its zero
   * value, and on these routes the reference's answer to it is a client-visible wire.
   */
  readonly nullAsEmpty?: boolean;
}

/**
 * Where `JsonBody` records, on the handler, how the route reads its body: the DTO, the bad-body
 * message and the options. For tooling that walks the routes (the hostile-input tests, API
 * descriptions); the route itself never reads it.
 */
export const JSON_BODY_METADATA = 'molecule:json-body';

export interface JsonBodyRule<T extends object = object> extends JsonBodyOptions {
  readonly dto: Type<T> | undefined;
  readonly invalidMessage: string;
}

const CurrentRequest = createParamDecorator((_: unknown, ctx: ExecutionContext) =>
  ctx.switchToHttp().getRequest<Request>(),
);

/**
 * Reads, parses and validates the JSON body of *this* route. Bodies are parsed lazily, per
 * route (the app has no global body parser), so every route answers malformed input with its
 * own contract message, and raw routes (the A2A proxy, uploads) can stream the body instead.
 *
 * With a DTO class the body must be an object that passes its class-validator rules, and its
 * keys match the DTO's fields case-insensitively as Go's decoder matches a struct's (`"ID"` is
 * `id`). Without one the parsed object is handed over as-is (exact keys, as a Go map) for
 * handlers that inspect fields themselves. Bytes after the JSON value are refused, and so is
 * text PostgreSQL cannot store (`jsonText`), whatever the route.
 *
 * A DTO is also the route's documented request body (OpenAPI); routes without one document
 * theirs with `@ApiBody`.
 */
export function JsonBody<T extends object>(
  dto: Type<T> | undefined,
  invalidMessage: string,
  options: JsonBodyOptions = {},
): ParameterDecorator {
  const readBody = CurrentRequest(new ParseJsonBodyPipe(dto, invalidMessage, options));
  const rule: JsonBodyRule<T> = { dto, invalidMessage, ...options };
  return (target, key, index) => {
    readBody(target, key, index);
    if (key === undefined) return;
    Reflect.defineMetadata(JSON_BODY_METADATA, rule, target, key);
    if (!dto) return;
    const handler = Object.getOwnPropertyDescriptor(target, key);
    if (handler) ApiBody({ type: dto, required: !options.optional })(target, key, handler);
  };
}

class ParseJsonBodyPipe<T extends object> implements PipeTransform<
  Request,
  Promise<T | Record<string, unknown> | undefined>
> {
  constructor(
    private readonly dto: Type<T> | undefined,
    private readonly invalidMessage: string,
    private readonly options: JsonBodyOptions,
  ) {}

  async transform(req: Request): Promise<T | Record<string, unknown> | undefined> {
    const raw = await readBody(req, this.options.limit ?? DEFAULT_JSON_BODY_LIMIT);
    return parseJsonBody(raw, this.dto, this.invalidMessage, this.options);
  }
}

/**
 * The body rules of `JsonBody` for bytes a route read itself (under a limit only known at run
 * time, say): the parsed object, matched onto and validated by `dto` when one is given.
 */
export function parseJsonBody<T extends object>(
  raw: Buffer,
  dto: Type<T> | undefined,
  invalidMessage: string,
  options: Omit<JsonBodyOptions, 'limit'> = {},
): T | Record<string, unknown> | undefined {
  const text = jsonText(raw);
  if (text.trim() === '') {
    if (options.optional) return undefined;
    throw badRequest(invalidMessage);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    if (options.optional) return undefined;
    throw badRequest(invalidMessage);
  }
  if (parsed === null && options.nullAsEmpty) parsed = {};
  if (!isPlainObject(parsed)) {
    if (options.optional) return undefined;
    throw badRequest(invalidMessage);
  }
  if (!dto) return parsed;

  const fields = matchFieldNames(parsed, dto);
  const instance = plainToInstance(dto, fields, { enableImplicitConversion: false });
  const errors = validateSync(instance, { forbidUnknownValues: false });
  if (errors.length > 0) throw badRequest(invalidMessage);
  return instance;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
