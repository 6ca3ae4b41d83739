import { Injectable, PipeTransform } from '@nestjs/common';
import { badRequest } from './api-error';

const HEX32 = /^[0-9a-fA-F]{32}$/;
const STRICT = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Parses a UUID the way Go's `uuid.Parse` does — canonical form in any case, 32 bare hex
 * digits, `{…}`-braced, or `urn:uuid:`-prefixed — and returns the canonical lower-case form,
 * or `null` when the text is not a UUID.
 */
export function parseUuid(text: string): string | null {
  let s = text;
  if (s.length === 45 && s.slice(0, 9).toLowerCase() === 'urn:uuid:') s = s.slice(9);
  else if (s.length === 38 && s.startsWith('{') && s.endsWith('}')) s = s.slice(1, -1);

  let hex: string;
  if (s.length === 36) {
    if (s[8] !== '-' || s[13] !== '-' || s[18] !== '-' || s[23] !== '-') return null;
    hex = s.slice(0, 8) + s.slice(9, 13) + s.slice(14, 18) + s.slice(19, 23) + s.slice(24);
  } else if (s.length === 32) {
    hex = s;
  } else {
    return null;
  }
  if (!HEX32.test(hex)) return null;
  hex = hex.toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The strict lower-case form required by the secrets routes. */
export function isStrictUuid(text: string): boolean {
  return STRICT.test(text);
}

/** `:id` must be a UUID (permissive parse) → canonical form; else 400 `invalid workspace ID`. */
@Injectable()
export class WorkspaceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    const id = parseUuid(value ?? '');
    if (!id) throw badRequest('invalid workspace ID');
    return id;
  }
}

/** `:id` must already be a canonical lower-case UUID; else 400 `invalid workspace ID`. */
@Injectable()
export class StrictWorkspaceIdPipe implements PipeTransform<string, string> {
  transform(value: string): string {
    if (!isStrictUuid(value ?? '')) throw badRequest('invalid workspace ID');
    return value;
  }
}
