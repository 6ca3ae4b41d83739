import { Global, Module } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { AppConfig } from '../../config/app-config';
import { MetricsRegistry } from '../metrics/metrics-registry';

/** Paths polled so often (every workspace, every 30 s) that a success is only worth a debug line. */
const CHATTY_PATHS = new Set(['/registry/heartbeat', '/health', '/metrics']);

@Global()
@Module({
  imports: [
    LoggerModule.forRootAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        pinoHttp: {
          level: config.logLevel,
          customLogLevel: (req: IncomingMessage, res: ServerResponse, err?: Error) => {
            if (err || res.statusCode >= 500) return 'error';
            if (res.statusCode >= 400) return 'warn';
            return CHATTY_PATHS.has((req.url ?? '').split('?')[0]) ? 'debug' : 'info';
          },
          // Bearer tokens and cookies never reach the logs.
          redact: ['req.headers.authorization', 'req.headers.cookie'],
        },
      }),
    }),
  ],
  providers: [MetricsRegistry],
  exports: [MetricsRegistry],
})
export class ObservabilityModule {}
