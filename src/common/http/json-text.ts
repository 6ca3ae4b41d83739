import { isUtf8 } from 'node:buffer';
import { badRequest } from './api-error';

const BACKSLASH = 0x5c;
const LOWER_U = 0x75;
const ZERO = 0x30;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * How deep a JSON body may nest. Real bodies (agent cards, bundles, A2A messages) stay far
 * below it; deeper ones would exhaust the stack of the code that walks them (DTO mapping,
 * serialising into jsonb) and answer 500. Go's decoder stops at 10 000 levels.
 */
export const MAX_JSON_DEPTH = 512;

/**
 * The text of a JSON request body, refusing (400 `invalid request body`) what PostgreSQL cannot
 * store: bytes that are not UTF-8 (decoding would store U+FFFD instead of what was sent), an
 * escaped NUL (text and jsonb columns refuse it) or an escaped lone surrogate (jsonb refuses
 * it, text would store U+FFFD) — and what the server cannot walk: nesting deeper than
 * `MAX_JSON_DEPTH`. Runs before the route's own parse, on the one decode it needs: a native
 * UTF-8 check, then native regex scans that stop only at `\u0000` and surrogate escapes, and
 * at the 513th opening bracket — no second parse, no copy, and a body without them is never
 * looked at twice.
 */
export function jsonText(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw badRequest('invalid request body');
  const text = bytes.toString('utf8');
  if (hasUnstorableEscape(text) || nestsTooDeep(text)) throw badRequest('invalid request body');
  return text;
}

/** Matches only a text with more than MAX_JSON_DEPTH opening brackets (in one linear pass). */
const MANY_BRACKETS = new RegExp(`^(?:[^[{]*[[{]){${MAX_JSON_DEPTH + 1}}`);

/** Whether brackets outside strings open deeper than MAX_JSON_DEPTH at some point. */
function nestsTooDeep(text: string): boolean {
  // Fewer opening brackets than the limit cannot nest past it: the usual body stops here.
  if (!MANY_BRACKETS.test(text)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
    } else if (code === QUOTE) {
      inString = true;
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > MAX_JSON_DEPTH) return true;
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

/** `\u0000` or a surrogate half (`\ud800`–`\udfff`, any case): always six characters. */
const SUSPECT_ESCAPE = /\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})/g;

function hasUnstorableEscape(text: string): boolean {
  // One shared scanner (synchronous, so never re-entered), restarted for each body.
  const scan = SUSPECT_ESCAPE;
  scan.lastIndex = 0;
  while (scan.test(text)) {
    const at = scan.lastIndex - 6;
    // Inside an escaped backslash (`\\u0000` is the text `\u0000`): not an escape at all.
    if (!isEscape(text, at)) continue;
    if (text.charCodeAt(at + 2) === ZERO) return true;
    // A high half must be followed by a low one, which is then skipped; a low half met here
    // has no high half before it.
    if (!isHigh(hexUnit(text, at)) || !isLow(hexUnit(text, at + 6))) return true;
    scan.lastIndex = at + 12;
  }
  return false;
}

/**
 * Whether the backslash at `at` starts an escape, i.e. is not itself escaped: an even number
 * of backslashes precedes it (`\\u0000` is the text `\u0000`, not a NUL).
 */
function isEscape(text: string, at: number): boolean {
  let run = 0;
  while (at - run - 1 >= 0 && text.charCodeAt(at - run - 1) === BACKSLASH) run++;
  return run % 2 === 0;
}

/** The code unit of the `\uXXXX` escape at `at`, or -1. */
function hexUnit(text: string, at: number): number {
  if (text.charCodeAt(at) !== BACKSLASH || text.charCodeAt(at + 1) !== LOWER_U) return -1;
  if (at + 6 > text.length) return -1;
  let unit = 0;
  for (let i = at + 2; i < at + 6; i++) {
    const digit = hexDigit(text.charCodeAt(i));
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

function hexDigit(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  const lower = code | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
