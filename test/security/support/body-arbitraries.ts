import type { Type } from '@nestjs/common';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import fc from 'fast-check';

/**
 * fast-check arbitraries for request bodies, derived from a DTO's class-validator metadata:
 * each field gets values of its declared type (with the edge cases that break code — bounds,
 * empties, huge and hostile strings), the wrong type now and then, or no value at all; unknown
 * keys, case variants of the field names and prototype keys are mixed in. Most bodies are
 * therefore *nearly* valid, which is what reaches the code behind validation.
 */

/** Workspace ids the generated bodies refer to, so references hit real rows too. */
export interface IdPool {
  readonly ids: readonly string[];
}

/** Strings that have broken servers: traversal, injection, control text, sizes, encodings. */
const HOSTILE_STRINGS = [
  '',
  ' ',
  '.',
  '..',
  '../../etc/passwd',
  '..%2F..%2Fetc%2Fpasswd',
  '%2e%2e/%2e%2e/etc/passwd',
  '/etc/passwd',
  'C:\\Windows\\win.ini',
  "'; DROP TABLE workspaces; --",
  "' OR '1'='1",
  '$1',
  '%s%s%s%n',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '${jndi:ldap://127.0.0.1/a}',
  'name\nrole: admin',
  'line\r\nX-Injected: 1',
  '\t\v\f\b',
  '\u007f\u0080\u009f',
  '\u202eevil\u202c',
  '\ufeffbom',
  '\u{1F600}\u{1F9D1}\u200d\u{1F4BB}',
  'Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇',
  'http://169.254.169.254/latest/meta-data/',
  'http://127.0.0.1:1/',
  'file:///etc/passwd',
  'x'.repeat(256),
  'x'.repeat(1001),
  'x'.repeat(70_000),
  '0',
  '-1',
  'true',
  'null',
  '1e309',
  '* * * * *',
  'TZ=Mars/Olympus 0 0 31 2 *',
  '00000000-0000-0000-0000-000000000000',
  'ffffffff-ffff-ffff-ffff-ffffffffffff',
];

const hostileString = (pool: IdPool): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
    { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 2, arbitrary: fc.constantFrom(...pool.ids) },
    { weight: 1, arbitrary: fc.uuid() },
  );

const INT_EDGES = [
  0,
  -1,
  1,
  2 ** 31 - 1,
  2 ** 31,
  -(2 ** 31),
  -(2 ** 31) - 1,
  2 ** 53 - 1,
  2 ** 53,
  -(2 ** 53),
  1e308,
];

const anyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.integer(),
  fc.constantFrom(...INT_EDGES),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.maxSafeInteger(),
);

/** A JSON value of any shape, small: what a wrong-typed field gets. */
const anyJson = (pool: IdPool): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
    { weight: 1, arbitrary: hostileString(pool) },
    { weight: 1, arbitrary: fc.constantFrom(null, true, false, 0, [], {}) },
  );

interface FieldRule {
  readonly name: string;
  readonly optional: boolean;
  readonly checks: ReadonlySet<string>;
  readonly min?: number;
  readonly max?: number;
  readonly oneOf?: readonly unknown[];
  readonly nested?: Type<object>;
}

/** The DTO's fields and their rules, read from class-validator and class-transformer metadata. */
export function fieldRules(dto: Type<object>): FieldRule[] {
  const metas = getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false);
  const byField = new Map<
    string,
    {
      optional: boolean;
      checks: Set<string>;
      min?: number;
      max?: number;
      oneOf?: unknown[];
      nested?: Type<object>;
    }
  >();
  for (const meta of metas) {
    const field = byField.get(meta.propertyName) ?? { optional: false, checks: new Set<string>() };
    byField.set(meta.propertyName, field);
    if (meta.type === 'conditionalValidation') field.optional = true;
    if (meta.type === 'nestedValidation') {
      const typed = defaultMetadataStorage.findTypeMetadata(dto, meta.propertyName);
      field.nested = typed?.typeFunction() as Type<object> | undefined;
    }
    if (!meta.name) continue;
    field.checks.add(meta.name);
    const constraints = (meta.constraints ?? []) as unknown[];
    if (meta.name === 'min') field.min = constraints[0] as number;
    if (meta.name === 'max') field.max = constraints[0] as number;
    if (meta.name === 'isIn') field.oneOf = constraints[0] as unknown[];
  }
  return [...byField].map(([name, rule]) => ({ name, ...rule }));
}

/** Values of the field's declared type, edge cases first in line. */
function typedValue(rule: FieldRule, pool: IdPool, depth: number): fc.Arbitrary<unknown> {
  const { checks } = rule;
  if (rule.oneOf) return fc.constantFrom(...rule.oneOf);
  if (rule.nested && depth < 3) return dtoObject(rule.nested, pool, depth + 1);
  if (checks.has('isInt') || checks.has('isNumber')) {
    const bounds = [rule.min, rule.max].flatMap((b) => (b === undefined ? [] : [b - 1, b, b + 1]));
    return bounds.length > 0 ? fc.oneof(anyNumber, fc.constantFrom(...bounds)) : anyNumber;
  }
  if (checks.has('isBoolean')) return fc.boolean();
  if (checks.has('isStringRecord'))
    return fc.dictionary(hostileString(pool), hostileString(pool), { maxKeys: 4 });
  if (checks.has('isBooleanRecord'))
    return fc.dictionary(hostileString(pool), fc.boolean(), { maxKeys: 4 });
  if (checks.has('isObject'))
    return fc.dictionary(fc.string({ maxLength: 10 }), anyJson(pool), { maxKeys: 4 });
  if (checks.has('isArray')) return fc.array(anyJson(pool), { maxLength: 4 });
  if (checks.has('isString'))
    return REFERENCE.test(rule.name) ? referenceString(pool) : hostileString(pool);
  return anyJson(pool);
}

/** Fields that name a row (`workspace_id`, `id`, `parent_id`, …). */
const REFERENCE = /(?:^|_)id$/i;

/**
 * A reference is mostly one of the pool's rows: a body that names no real workspace stops at
 * the lookup (404, or the registry's 401), and the code behind it is never reached.
 */
const referenceString = (pool: IdPool): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...pool.ids) },
    { weight: 1, arbitrary: hostileString(pool) },
  );

/** Case variants Go's decoder matches: `ID` for `id`, `Workspace_Id` for `workspace_id`. */
const caseVariant = (name: string): fc.Arbitrary<string> =>
  fc.constantFrom(
    name.toUpperCase(),
    name[0].toUpperCase() + name.slice(1),
    name.replace(/_(\w)/g, (_, c: string) => `_${c.toUpperCase()}`),
  );

const EXTRA_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', ''];

/** An object shaped like the DTO: each field present or not, typed or not, plus stray keys. */
export function dtoObject(
  dto: Type<object>,
  pool: IdPool,
  depth = 0,
): fc.Arbitrary<Record<string, unknown>> {
  const rules = fieldRules(dto);
  const fields = rules.map((rule) =>
    fc.tuple(
      fc.oneof(
        { weight: 6, arbitrary: fc.constant(rule.name) },
        { weight: 1, arbitrary: caseVariant(rule.name) },
      ),
      fc.oneof(
        { weight: 8, arbitrary: typedValue(rule, pool, depth) },
        { weight: 2, arbitrary: anyJson(pool) },
      ),
      // Required fields are mostly there; optional ones about half the time.
      fc.integer({ min: 0, max: 9 }).map((n) => n < (rule.optional ? 5 : 9)),
    ),
  );
  const extras = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...EXTRA_KEYS), fc.string({ maxLength: 8 })), anyJson(pool)),
    { maxLength: 2 },
  );
  return fc.tuple(fc.tuple(...fields), extras).map(([chosen, stray]) => {
    const body: Record<string, unknown> = {};
    for (const [key, value, present] of chosen) if (present) define(body, key, value);
    for (const [key, value] of stray) define(body, key, value);
    return body;
  });
}

/** Assigns as JSON.parse would: `__proto__` becomes an own key, not the prototype. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    configurable: true,
    writable: true,
  });
}

/** A request body as sent: mostly JSON text of a DTO-shaped object, sometimes anything else. */
export function bodyText(dto: Type<object> | undefined, pool: IdPool): fc.Arbitrary<string> {
  const shaped = dto
    ? dtoObject(dto, pool)
    : fc.dictionary(fc.string({ maxLength: 12 }), anyJson(pool), { maxKeys: 5 });
  return fc.oneof(
    { weight: 16, arbitrary: shaped.map((body) => JSON.stringify(body)) },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null') },
    {
      weight: 1,
      arbitrary: fc.constantFrom('', 'null', '[]', '"x"', '{', '{"a":1}}', '{}garbage', '\u0000'),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
  );
}
