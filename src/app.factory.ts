import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestApplicationOptions } from '@nestjs/common';
import { NestExpressApplication } from '@nestjs/platform-express';
import { WsAdapter } from '@nestjs/platform-ws';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { ApiExceptionFilter } from './common/http/api-exception.filter';
import { databaseOutageScope } from './common/middleware/database-outage-scope.middleware';
import { applyGlobalMiddleware } from './common/middleware/global-middleware';
import { mountApiDocs } from './common/openapi/api-docs';
import { HTTP_LOGGER } from './common/observability/http-logger';
import { AppConfig } from './config/app-config';

export const APP_OPTIONS: NestApplicationOptions = {
  // Bodies are parsed per route (see JsonBody), never globally.
  bodyParser: false,
  bufferLogs: true,
  // A failing provider (e.g. no encryption key in production) must reject, not abort():
  // the caller still has an embedded PostgreSQL to stop.
  abortOnError: false,
};

/**
 * Builds one application instance from a resolved config (DATABASE_URL set). Used by the
 * server entry point and by the integration tests, which run several instances side by side.
 */
export async function createApp(config: AppConfig): Promise<INestApplication> {
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.forRoot(config),
    APP_OPTIONS,
  );
  return configureApp(app);
}

/** Everything an application needs around its modules; shared with test apps built from overrides. */
export function configureApp(app: NestExpressApplication): NestExpressApplication {
  app.useLogger(app.get(Logger));
  app.use(databaseOutageScope);
  app.use(app.get(HTTP_LOGGER));
  applyGlobalMiddleware(app);
  mountApiDocs(app);
  app.disable('x-powered-by');
  // Express would SHA-1 every response body into an ETag (and compare If-None-Match): work on
  // every request of the hot paths for a header no client uses; the reference sends none.
  app.set('etag', false);
  app.set('trust proxy', false);
  app.useGlobalFilters(new ApiExceptionFilter());
  app.useWebSocketAdapter(new WsAdapter(app));
  return app;
}
