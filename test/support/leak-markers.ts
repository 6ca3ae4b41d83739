import * as path from 'node:path';

/** What a leaked text would give away. */
export type InternalTextKind = 'stack' | 'sql' | 'javascript' | 'daemon' | 'path';

const REPO_ROOT = path.resolve(__dirname, '..', '..');

/**
 * What must never reach a client in a response or a broadcast (ARCHITECTURE.md, "Errors on the
 * wire"), recognised by shape whatever its content: stack frames, PostgreSQL and pg-driver
 * messages, JavaScript error texts, Docker engine replies, this checkout's file paths. Agent
 * replies relayed verbatim are the agent's own words, so nothing broader (an `Error:` prefix, an
 * errno) is a shape here — a test plants a marker in the agent's reply instead.
 */
export const INTERNAL_TEXT: readonly {
  readonly kind: InternalTextKind;
  readonly pattern: RegExp;
}[] = [
  {
    kind: 'stack',
    pattern:
      /\bat (?:async )?[\w.$<>[\]]+ \(?[^()\s]*:\d+:\d+\)?|\bat (?:async )?[\w$.<>[\] ]*\(?(?:\/|node:|file:)[^\s)"]*:\d+:\d+/,
  },
  {
    kind: 'sql',
    pattern:
      /syntax error at (?:or near|end of input)|violates (?:foreign key|unique|not-null|check) constraint|duplicate key value|invalid input syntax for|relation "[^"]*" does not exist|column "[^"]*" (?:of relation "[^"]*" )?does not exist|current transaction is aborted|invalid byte sequence for encoding|out of range for type|value too long for type|unsupported Unicode escape sequence|stack depth limit exceeded|terminating connection due to administrator command|the database system is (?:shutting down|starting up|in recovery mode)|Connection terminated (?:unexpectedly|due to connection timeout)|timeout exceeded when trying to connect|Query read timeout|server closed the connection unexpectedly|Client has encountered a connection error/i,
  },
  {
    kind: 'javascript',
    pattern:
      /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError): |Cannot read propert(?:y|ies) of|is not a function|Maximum call stack size exceeded|Unexpected token .* in JSON/,
  },
  {
    kind: 'daemon',
    pattern: /Error response from daemon|docker\.sock|\(HTTP code \d{3}\)|no such container/i,
  },
  {
    kind: 'path',
    pattern: new RegExp(
      `${escapeRegExp(REPO_ROOT)}|${escapeRegExp(process.cwd())}|/node_modules/|/molecule-(?:test|dedicated)-pg-`,
    ),
  },
];

/**
 * The leak markers found in `text`. A marker the request itself carried (`echo`) does not
 * count: a route may store and return what it was sent. `planted` are exact secrets.
 */
export function findLeaks(text: string, planted: readonly string[] = [], echo = ''): string[] {
  const found: string[] = [];
  for (const { kind, pattern } of INTERNAL_TEXT) {
    const match = pattern.exec(text);
    if (match && !echo.includes(match[0])) found.push(`${kind}: ${match[0]}`);
  }
  for (const secret of planted)
    if (secret !== '' && text.includes(secret) && !echo.includes(secret))
      found.push(`planted secret ${secret.slice(0, 6)}…`);
  return found;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
