import { Global, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { Logger } from 'pino';
import { AppConfig } from '../../config/app-config';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { createHttpLogger, HTTP_LOGGER, HttpLogger } from './http-logger';
import { LogContext } from './log-context';

/** One access logger (and so one root logger and one output stream) per application. */
@Module({
  providers: [
    {
      provide: HTTP_LOGGER,
      inject: [AppConfig],
      useFactory: (config: AppConfig) => createHttpLogger(config),
    },
  ],
  exports: [HTTP_LOGGER],
})
class HttpLoggerModule {}

/**
 * Structured logs (pino) and metrics. The access-log middleware is created here and mounted
 * by `configureApp` ahead of everything else; nestjs-pino reuses its per-request logger.
 */
@Global()
@Module({
  imports: [
    HttpLoggerModule,
    LoggerModule.forRootAsync({
      imports: [HttpLoggerModule],
      inject: [HTTP_LOGGER],
      // pino-http's custom-level typing is narrower than what nestjs-pino accepts; same logger.
      useFactory: (http: HttpLogger) => ({
        pinoHttp: { logger: http.logger as unknown as Logger },
        useExisting: true,
      }),
    }),
  ],
  providers: [MetricsRegistry, LogContext],
  exports: [MetricsRegistry, HttpLoggerModule, LogContext],
})
export class ObservabilityModule {}
