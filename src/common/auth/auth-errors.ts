import { platformUnavailable } from '../http/api-error';

/**
 * Runs an auth lookup, turning any datastore failure into the canned 503: auth never fails open
 * on a database error, and never shows its text.
 */
export async function orUnavailable<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch {
    throw platformUnavailable();
  }
}
