import type { IncomingMessage, ServerResponse } from 'node:http';
import { pinoHttp } from 'pino-http';
import { AppConfig } from '../../config/app-config';

/** Paths polled so often (every workspace, every 30 s) that a success is only worth a debug line. */
const CHATTY_PATHS = new Set(['/registry/heartbeat', '/health', '/metrics']);

/**
 * The access log, mounted as the outermost middleware so that requests the global chain
 * refuses (429, tenant-guard 404, CORS 403) are logged too. Bearer tokens and cookies never
 * reach the logs.
 */
export function createHttpLogger(config: AppConfig) {
  return pinoHttp({
    level: config.logLevel,
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return CHATTY_PATHS.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  });
}

/** DI token of the app's `HttpLogger`. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');
