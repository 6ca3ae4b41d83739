/**
 * What must never reach a client in a response or a broadcast (ARCHITECTURE.md, "Errors on the
 * wire"): internals of the server — stack traces, database and driver errors, JavaScript error
 * texts, the server's own file paths — and any secret the test planted (tokens, keys).
 */
const INTERNALS: readonly { readonly marker: string; readonly pattern: RegExp }[] = [
  { marker: 'stack trace', pattern: /\bat (?:async )?[\w.$<>[\]]+ \(?[^()\s]*:\d+:\d+\)?/ },
  {
    marker: 'SQL error',
    pattern:
      /syntax error at or near|violates (?:foreign key|unique|not-null|check) constraint|duplicate key value|invalid input syntax for|relation "[^"]*" does not exist|column "[^"]*" (?:of relation "[^"]*" )?does not exist|current transaction is aborted|invalid byte sequence for encoding|out of range for type|value too long for type|unsupported Unicode escape sequence|stack depth limit exceeded/i,
  },
  {
    marker: 'JavaScript error',
    pattern:
      /\b(?:TypeError|ReferenceError|RangeError|SyntaxError|EvalError): |Cannot read propert(?:y|ies) of|is not a function|Maximum call stack size exceeded|Unexpected token .* in JSON/,
  },
  { marker: 'server file path', pattern: new RegExp(escape(process.cwd()) + '|/node_modules/') },
];

/**
 * The leak markers found in `text`. A marker the request itself carried (`echo`) does not
 * count: a route may store and return what it was sent. `planted` are exact secrets.
 */
export function findLeaks(text: string, planted: readonly string[] = [], echo = ''): string[] {
  const found: string[] = [];
  for (const { marker, pattern } of INTERNALS) {
    const match = pattern.exec(text);
    if (match && !echo.includes(match[0])) found.push(`${marker}: ${match[0]}`);
  }
  for (const secret of planted)
    if (secret !== '' && text.includes(secret) && !echo.includes(secret))
      found.push(`planted secret ${secret.slice(0, 6)}…`);
  return found;
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
