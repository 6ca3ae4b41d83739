import { AsyncLocalStorage } from 'node:async_hooks';

/** Socket-level failures: the server is down, restarting or cut off. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);

/**
 * SQLSTATEs of a server that cannot serve: class 08 (connection exception), 57P01–57P03
 * (terminated by a shutdown, crash, or not accepting connections yet), 53300 (no slots).
 */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[123]|53300)$/;

/** What node-postgres and pg-pool say when a connection dies, never opens, or never answers. */
const DRIVER_MESSAGES =
  /Connection terminated|connection timeout|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Client was closed and is not queryable|Cannot use a pool after calling end/i;

/**
 * Whether `err` means PostgreSQL could not be reached or did not answer in time — as opposed to a
 * statement it refused (a constraint, bad input), which is the caller's own business.
 */
export function isDatabaseUnreachable(err: unknown): boolean {
  if (err instanceof DatabaseUnreachable) return true;
  if (typeof err !== 'object' || err === null) return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code)))
    return true;
  return typeof message === 'string' && DRIVER_MESSAGES.test(message);
}

interface RequestMemory {
  unreachable: boolean;
  answered: boolean;
}

/** Thrown instead of trying again, once a request met the database unreachable. */
export class DatabaseUnreachable extends Error {
  constructor() {
    super('database unreachable earlier in this request; not tried again');
    this.name = 'DatabaseUnreachable';
  }
}

const requests = new AsyncLocalStorage<RequestMemory>();

/**
 * Remembers, per HTTP request, whether the database was unreachable while serving it. The routes
 * turn their datastore failures into their own canned 500s; when the cause was an outage, the
 * error filter answers the contract's 503 `platform_unavailable` instead, so a client (the canvas
 * shows its "platform unreachable" screen on it) can tell an outage from a bug. Until it is
 * answered, such a request does not wait on the database again (its error paths often write too):
 * one connect or statement bound is all an outage adds to a request's time.
 */
export const DatabaseOutage = {
  /** Runs one request's handling in a scope of its own; `answered()` ends its fail-fast time. */
  scope<T>(work: (answered: () => void) => T): T {
    const memory: RequestMemory = { unreachable: false, answered: false };
    return requests.run(memory, () => work(() => (memory.answered = true)));
  },

  /**
   * Throws `DatabaseUnreachable` when the request being served already met an outage. Work it
   * started that outlives the answer (timers, detached writes) is not held to this.
   */
  failFast(): void {
    const memory = requests.getStore();
    if (memory?.unreachable && !memory.answered) throw new DatabaseUnreachable();
  },

  /** Called on every failed statement: remembers it when it was an outage. */
  note(err: unknown): void {
    if (!isDatabaseUnreachable(err)) return;
    const memory = requests.getStore();
    if (memory) memory.unreachable = true;
  },

  /** Whether the current request met the database unreachable. */
  seenInThisRequest(): boolean {
    return requests.getStore()?.unreachable === true;
  },
};
