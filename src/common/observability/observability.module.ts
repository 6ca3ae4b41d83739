import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { createHttpLogger, HTTP_LOGGER } from './http-logger';

const httpLoggerProvider = {
  provide: HTTP_LOGGER,
  inject: [AppConfig],
  useFactory: createHttpLogger,
};

/**
 * Structured logs (pino) and metrics. The access-log middleware is created here and mounted
 * by `configureApp` ahead of everything else; nestjs-pino reuses its per-request logger.
 */
@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      providers: [httpLoggerProvider],
      inject: [HTTP_LOGGER],
      // pino-http's custom-level typing is narrower than what nestjs-pino accepts; same logger.
      useFactory: (http: ReturnType<typeof createHttpLogger>) => ({
        pinoHttp: { logger: http.logger as unknown as Logger },
        useExisting: true,
      }),
    }),
  ],
  providers: [MetricsRegistry, httpLoggerProvider],
  exports: [MetricsRegistry, HTTP_LOGGER],
})
export class ObservabilityModule {}
