import { serviceUnavailable } from '../http/api-error';

/** Auth never fails open on a database error: it answers 503 without the error's text. */
export function platformUnavailable() {
  return serviceUnavailable('platform datastore unavailable — retry shortly', {
    code: 'platform_unavailable',
  });
}

/** Runs an auth lookup, turning any datastore failure into the canned 503. */
export async function orUnavailable<T>(lookup: Promise<T>): Promise<T> {
  try {
    return await lookup;
  } catch {
    throw platformUnavailable();
  }
}
