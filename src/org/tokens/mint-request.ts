import type { Request } from 'express';
import { isPlainObject } from '../../common/http/json-body.decorator';
import { jsonText } from '../../common/http/json-text';
import { DEFAULT_JSON_BODY_LIMIT, readBody } from '../../common/http/read-body';

/**
 * The optional `name` of a mint request. The body is optional and lenient, as in the
 * reference: empty, unparseable or oddly typed input simply means "no name".
 */
export async function requestedTokenName(req: Request): Promise<string> {
  // Lenient about the JSON, not about text that cannot be stored (400 at the edge).
  const raw = jsonText(await readBody(req, DEFAULT_JSON_BODY_LIMIT));
  try {
    const body: unknown = JSON.parse(raw);
    return isPlainObject(body) && typeof body.name === 'string' ? body.name : '';
  } catch {
    return '';
  }
}
