import { isUtf8 } from 'node:buffer';
import { badRequest } from './api-error';

const BACKSLASH = 0x5c;
const LOWER_U = 0x75;
/** Escapes worth a look: NUL, and the two spellings of a surrogate's first hex digit. */
const NUL_ESCAPE = Buffer.from('\\u0000');
const SURROGATE_ESCAPES = [Buffer.from('\\ud'), Buffer.from('\\uD')];

/**
 * Refuses (400 `invalid request body`) a JSON body whose text PostgreSQL cannot store: bytes
 * that are not UTF-8 (decoding would store U+FFFD instead of what was sent), an escaped NUL
 * (text and jsonb columns refuse it) or an escaped lone surrogate (jsonb refuses it, text
 * would store U+FFFD). Applied to the raw bytes, before the route's own parse: native scans,
 * no copy, no second parse; a body with no `\u0000`, `\ud` or `\uD` is never looked at twice.
 */
export function refuseUnstorableJson(bytes: Buffer): void {
  if (!isUtf8(bytes) || hasUnstorableEscape(bytes)) throw badRequest('invalid request body');
}

/** The body as text, once `refuseUnstorableJson` accepted it. */
export function jsonText(bytes: Buffer): string {
  refuseUnstorableJson(bytes);
  return bytes.toString('utf8');
}

function hasUnstorableEscape(bytes: Buffer): boolean {
  for (let at = bytes.indexOf(NUL_ESCAPE); at !== -1; at = bytes.indexOf(NUL_ESCAPE, at + 1)) {
    if (isEscape(bytes, at)) return true;
  }
  for (const needle of SURROGATE_ESCAPES) {
    for (let at = bytes.indexOf(needle); at !== -1; at = bytes.indexOf(needle, at + 1)) {
      if (isEscape(bytes, at) && !isPairedSurrogate(bytes, at)) return true;
    }
  }
  return false;
}

/** A `\u` escape of a surrogate half whose other half is where UTF-16 needs it. */
function isPairedSurrogate(bytes: Buffer, at: number): boolean {
  const unit = hexUnit(bytes, at);
  if (isHigh(unit)) return bytes[at + 6] === BACKSLASH && isLow(hexUnit(bytes, at + 6));
  if (isLow(unit)) return at >= 6 && isHigh(hexUnit(bytes, at - 6)) && isEscape(bytes, at - 6);
  // Not a surrogate (`\ud7ff`) or not hex: JSON.parse judges the latter.
  return true;
}

/**
 * Whether the backslash at `at` starts an escape, i.e. is not itself escaped: an even number
 * of backslashes precedes it (`\\u0000` is the text `\u0000`, not a NUL).
 */
function isEscape(bytes: Buffer, at: number): boolean {
  let run = 0;
  while (at - run - 1 >= 0 && bytes[at - run - 1] === BACKSLASH) run++;
  return run % 2 === 0;
}

/** The code unit of the `\uXXXX` escape at `at`, or -1. */
function hexUnit(bytes: Buffer, at: number): number {
  if (bytes[at] !== BACKSLASH || bytes[at + 1] !== LOWER_U || at + 6 > bytes.length) return -1;
  let unit = 0;
  for (let i = at + 2; i < at + 6; i++) {
    const digit = hexDigit(bytes[i]);
    if (digit < 0) return -1;
    unit = unit * 16 + digit;
  }
  return unit;
}

function hexDigit(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  const lower = byte | 0x20;
  return lower >= 0x61 && lower <= 0x66 ? lower - 0x61 + 10 : -1;
}

function isHigh(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLow(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}
