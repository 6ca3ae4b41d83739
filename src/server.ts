import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import { createApp } from './app.factory';
import { drainHttpServer } from './common/shutdown/http-drain';
import { settlesWithin } from './common/shutdown/settles-within';
import { ShutdownSignal } from './common/shutdown/shutdown-signal';
import { AppConfig } from './config/app-config';
import { loadConfig } from './config/load-config';
import { EmbeddedPostgresServer } from './database/embedded-postgres';
import { embeddedDataDir, resolveDatabase } from './database/resolve-database';

export interface RunningServer {
  readonly app: INestApplication;
  readonly config: AppConfig;
  /** Graceful shutdown; resolves once everything is closed (the embedded PostgreSQL too). */
  stop(): Promise<void>;
}

/**
 * Starts the whole server from an environment: the embedded PostgreSQL when DATABASE_URL is
 * unset, then the application on PORT.
 */
export async function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const { config: loaded, warnings } = loadConfig(env);
  const logger = new Logger('Server');
  const { config, embedded } = await resolveDatabase(loaded, (line) => logger.debug(line));

  let app: INestApplication;
  try {
    app = await createApp(config);
  } catch (err) {
    await embedded?.stop();
    throw err;
  }
  const appLogger = new Logger('Config');
  for (const w of warnings) {
    appLogger.warn(
      { variable: w.name, value: w.value, applied: w.applied },
      `ignoring ${w.name}: ${w.reason}`,
    );
  }
  await app.listen(config.port);
  new Logger('Server').log(
    {
      port: config.port,
      database: embedded ? `embedded (${embeddedDataDir(config)})` : 'DATABASE_URL',
    },
    'platform server listening',
  );

  return { app, config, stop: () => shutDown(app, config, embedded) };
}

/**
 * The graceful shutdown, in order: stop accepting connections and let subscribers go (WebSocket
 * clients, SSE streams); let the requests in flight — proxied calls included — finish, until
 * `SHUTDOWN_GRACE_SECONDS` from now, then cut what is left; close the application (its hooks
 * wait for detached work, loop passes, schedule fires and reconcile cycles, bounded by the same
 * deadline, then close the pool); stop the embedded PostgreSQL.
 */
async function shutDown(
  app: INestApplication,
  config: AppConfig,
  embedded: EmbeddedPostgresServer | undefined,
): Promise<void> {
  const logger = new Logger('Server');
  const startedAt = Date.now();
  const deadlineAt = startedAt + config.shutdownGraceMs;
  app.get(ShutdownSignal).begin(deadlineAt);
  try {
    const http = await drainHttpServer(app.getHttpServer() as Server, deadlineAt);
    logger.log(
      { requests: http, elapsedMs: Date.now() - startedAt },
      http === 'drained' ? 'requests in flight finished' : 'shutdown deadline: requests cut',
    );
    // Every hook is bounded; this bounds their sum, so the database is stopped whatever happens.
    const closed = await settlesWithin(app.close(), deadlineAt + CLOSE_MARGIN_MS - Date.now());
    if (!closed) throw new Error('the application did not close in time');
  } finally {
    await embedded?.stop();
  }
  logger.log({ elapsedMs: Date.now() - startedAt }, 'shut down');
}

/** How long past the shutdown deadline the application's own hooks may still take. */
const CLOSE_MARGIN_MS = 15_000;
