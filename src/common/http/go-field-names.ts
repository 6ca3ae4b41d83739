import type { Type } from '@nestjs/common';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';

/** The JSON keys a DTO declares, as Go's `encoding/json` matches them onto a struct. */
interface FieldTable {
  readonly names: ReadonlySet<string>;
  /** Case-folded key → declared name. */
  readonly folded: ReadonlyMap<string, string>;
  /** Declared name → DTO of the nested object (or of each element of a nested array). */
  readonly nested: ReadonlyMap<string, Type<object>>;
}

const tables = new WeakMap<Type<object>, FieldTable>();

/**
 * Renames the keys of a parsed JSON object to the DTO's field names where they match
 * case-insensitively (`"ID"` → `id`), recursing into nested DTOs, as Go's decoder does for a
 * struct: an exact match wins; when several keys land on one field the last one in the body
 * wins. Unknown keys are kept as they are. The object is copied only when a key is renamed,
 * so a body in canonical spelling costs one set lookup per key.
 */
export function matchFieldNames(
  value: Record<string, unknown>,
  dto: Type<object>,
): Record<string, unknown> {
  const table = fieldTable(dto);
  const keys = Object.keys(value);
  let out: Record<string, unknown> | undefined;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    const name = table.names.has(key) ? key : (table.folded.get(fold(key)) ?? key);
    const given = value[key];
    const nested = table.nested.get(name);
    const matched = nested === undefined ? given : matchNested(given, nested);
    if (out === undefined && (name !== key || matched !== given)) {
      out = {};
      for (let j = 0; j < i; j++) define(out, keys[j], value[keys[j]]);
    }
    if (out !== undefined) define(out, name, matched);
  }
  return out ?? value;
}

function matchNested(value: unknown, dto: Type<object>): unknown {
  if (Array.isArray(value)) {
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const matched = matchNested(value[i], dto);
      if (out === undefined && matched !== value[i]) out = value.slice(0, i);
      out?.push(matched);
    }
    return out ?? value;
  }
  return typeof value === 'object' && value !== null
    ? matchFieldNames(value as Record<string, unknown>, dto)
    : value;
}

function fieldTable(dto: Type<object>): FieldTable {
  let table = tables.get(dto);
  if (table) return table;
  const names = new Set(
    getMetadataStorage()
      .getTargetValidationMetadatas(dto, '', false, false)
      .map((m) => m.propertyName),
  );
  const folded = new Map<string, string>();
  const nested = new Map<string, Type<object>>();
  for (const name of names) {
    folded.set(fold(name), name);
    const type = nestedType(dto, name);
    if (type) nested.set(name, type);
  }
  table = { names, folded, nested };
  tables.set(dto, table);
  return table;
}

/**
 * The DTO a `@Type` decorator names. One that picks its class from the object being
 * transformed has no single answer: its keys are left as given.
 */
function nestedType(dto: Type<object>, name: string): Type<object> | undefined {
  const metadata = defaultMetadataStorage.findTypeMetadata(dto, name);
  if (!metadata) return undefined;
  try {
    const type = metadata.typeFunction();
    return typeof type === 'function' ? (type as Type<object>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Simple case folding for keys matched against ASCII field names: `toLowerCase` also maps the
 * Kelvin sign to `k`; the long s is the one other character Go folds onto ASCII.
 */
function fold(key: string): string {
  return key.toLowerCase().replace(/\u017f/g, 's');
}

/** Plain assignment would turn a `__proto__` key into a prototype change. */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}
