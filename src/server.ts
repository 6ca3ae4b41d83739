import { INestApplication, Logger } from '@nestjs/common';
import type { Server } from 'node:http';
import * as path from 'node:path';
import { createApp } from './app.factory';
import { AppConfig } from './config/app-config';
import { loadConfig } from './config/load-config';
import { EmbeddedPostgresServer } from './database/embedded-postgres';

const SHUTDOWN_DRAIN_MS = 30_000;

export interface RunningServer {
  readonly app: INestApplication;
  readonly config: AppConfig;
  stop(): Promise<void>;
}

/**
 * Starts the whole server from an environment: the embedded PostgreSQL when DATABASE_URL is
 * unset, then the application on PORT. `stop()` closes the app first, then the database.
 */
export async function startServer(env: NodeJS.ProcessEnv): Promise<RunningServer> {
  const { config: loaded, warnings } = loadConfig(env);
  const logger = new Logger('Server');

  let embedded: EmbeddedPostgresServer | undefined;
  let config = loaded;
  if (!loaded.databaseUrl) {
    embedded = new EmbeddedPostgresServer({
      dataDir: path.join(loaded.dataDir, 'postgres'),
      port: loaded.embeddedPostgresPort,
      onLog: (line) => logger.debug(line),
    });
    const databaseUrl = await embedded.start();
    config = new AppConfig({ ...loaded, databaseUrl });
  }

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
      database: embedded ? `embedded (${path.join(config.dataDir, 'postgres')})` : 'DATABASE_URL',
    },
    'platform server listening',
  );

  return {
    app,
    config,
    stop: async () => {
      // In-flight requests get a bounded drain (as the reference's 30 s), then are cut.
      const http = app.getHttpServer() as Server;
      const cut = setTimeout(() => http.closeAllConnections(), SHUTDOWN_DRAIN_MS);
      cut.unref();
      http.closeIdleConnections();
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
        await embedded?.stop();
      }
    },
  };
}
