import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import pino, { DestinationStream, Logger } from 'pino';
import { HttpLogger, pinoHttp } from 'pino-http';
import pretty from 'pino-pretty';
import { AppConfig } from '../../config/app-config';

/** Paths polled so often (every workspace, every 30 s) that a success is only worth a debug line. */
const CHATTY_PATHS = new Set(['/registry/heartbeat', '/health', '/ready', '/metrics']);

/** An `X-Request-Id` a client (or a load balancer) sent is kept when it is this tame. */
const CLIENT_REQUEST_ID = /^[\w.:@+=/-]{1,128}$/;
export const REQUEST_ID_HEADER = 'X-Request-Id';

/**
 * The process's root logger: one JSON object per line, or pino-pretty's coloured lines when
 * asked for (`LOG_FORMAT=pretty`) or, by default, when stdout is a terminal. Pretty printing
 * runs in-process (a development convenience); production output is plain JSON to stdout.
 */
export function createRootLogger(
  config: Pick<AppConfig, 'logLevel' | 'logFormat'>,
  output: { isTTY?: boolean; destination?: DestinationStream } = {
    isTTY: process.stdout.isTTY,
  },
): Logger {
  const options = {
    level: config.logLevel,
    // Bearer tokens and cookies never reach the logs.
    redact: ['req.headers.authorization', 'req.headers.cookie'],
  };
  const human = config.logFormat === 'pretty' || (config.logFormat === 'auto' && !!output.isTTY);
  if (!human) return output.destination ? pino(options, output.destination) : pino(options);
  return pino(
    options,
    pretty({
      colorize: !!output.isTTY,
      translateTime: 'SYS:HH:MM:ss.l',
      ignore: 'pid,hostname',
      ...(output.destination && { destination: output.destination }),
    }),
  );
}

/**
 * The access log, mounted as the outermost middleware so that requests the global chain
 * refuses (429, tenant-guard 404, CORS 403) are logged too. Every request gets an id — the
 * client's `X-Request-Id` when it sent a sane one, else a fresh UUID — echoed in the response
 * and carried (`req.id`) by every log line written on its behalf, including work it starts in
 * the background (see `LogContext`).
 */
export function createHttpLogger(config: AppConfig, logger: Logger = createRootLogger(config)) {
  return pinoHttp({
    logger,
    genReqId: requestId,
    // Every line logged while serving carries the request (`req.id` among it). A lighter
    // `reqId`-only binding (quietReqLogger) costs a second child logger per request, made from
    // a fresh one: ~30 µs each time, measured, for lines most requests never write.
    // The binding is serialised when the child is made, i.e. on every request, logged or not:
    // so it is a short summary, not pino's default (a copy of every header, then redacted).
    wrapSerializers: false,
    serializers: {
      req: requestSummary,
      res: pino.stdSerializers.res,
      err: pino.stdSerializers.err,
    },
    customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return CHATTY_PATHS.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
    },
  });
}

/** What a request's log lines say about it. Headers stay out (bearer tokens, cookies, noise). */
function requestSummary(req: IncomingMessage & { id?: unknown; originalUrl?: string }) {
  return {
    id: req.id,
    method: req.method,
    url: req.originalUrl ?? req.url,
    remoteAddress: req.socket?.remoteAddress,
  };
}

function requestId(req: IncomingMessage, res: ServerResponse): string {
  const sent = req.headers['x-request-id'];
  const id = typeof sent === 'string' && CLIENT_REQUEST_ID.test(sent) ? sent : randomUUID();
  res.setHeader(REQUEST_ID_HEADER, id);
  return id;
}

export type { HttpLogger };

/** DI token of the app's `HttpLogger`. */
export const HTTP_LOGGER = Symbol('HTTP_LOGGER');
