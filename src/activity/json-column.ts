/** A value headed for a JSONB column: its JSON text (the bound parameter) and the value itself. */
export interface JsonColumn {
  readonly text: string;
  readonly value: unknown;
}

const JSON_NULL: JsonColumn = { text: 'null', value: null };

/**
 * Encodes a value for a JSONB column. A value JSON cannot represent (a cycle, a BigInt, a bare
 * function) is stored as JSON `null`, as the reference does when marshalling fails.
 */
export function toJsonColumn(value: unknown): JsonColumn {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? JSON_NULL : { text, value };
  } catch {
    return JSON_NULL;
  }
}

/** A JSONB column read back as text (`col::text`), so JSON `null` and SQL NULL stay distinct. */
export function fromJsonText(text: string | null): unknown {
  return text === null ? undefined : JSON.parse(text);
}

/** A row once its JSON-text columns are parsed: each is present only when it was non-NULL. */
export type WithParsedJson<Row, Columns extends keyof Row> = Omit<Row, Columns> & {
  [Column in Columns]?: unknown;
};
