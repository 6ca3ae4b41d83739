/**
 * Typed reads of parsed `config.yaml` values, mirroring the reference's typed YAML decode: a
 * missing or null value is the zero value, a value of the wrong shape is a `TemplateFieldError`
 * (the reference skips such a template).
 */
export class TemplateFieldError extends Error {}

export function mappingField(value: unknown, field: string): Record<string, unknown> {
  if (value === null || value === undefined) return {};
  if (typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
  throw new TemplateFieldError(`${field} must be a mapping`);
}

/** Any scalar decodes into a string field, as its text. */
export function stringField(value: unknown, field: string): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw new TemplateFieldError(`${field} must be a scalar`);
}

/** Numbers decode into an int field, truncated toward zero; anything else is an error. */
export function intField(value: unknown, field: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value === 'number' && Number.isFinite(value)) return Math.trunc(value);
  throw new TemplateFieldError(`${field} must be an integer`);
}

/** `null` when absent (a nil slice), otherwise the list, possibly empty. */
export function listField(value: unknown, field: string): unknown[] | null {
  if (value === null || value === undefined) return null;
  if (Array.isArray(value)) return value;
  throw new TemplateFieldError(`${field} must be a list`);
}

export function stringListField(value: unknown, field: string): string[] | null {
  return listField(value, field)?.map((item) => stringField(item, field)) ?? null;
}
