import {
  Controller,
  Get,
  MiddlewareConsumer,
  Module,
  NestModule,
  NotFoundException,
  Param,
  RequestMethod,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { httpMetricsMiddleware } from './http-metrics.middleware';

@Controller()
class ThingsController {
  @Get('things/:id')
  thing(@Param('id') id: string): { id: string } {
    if (id === 'missing') throw new NotFoundException();
    return { id };
  }
}

/** Mirrors the real app: nestjs-pino mounts its request logger exactly like this. */
@Module({ controllers: [ThingsController] })
class ThingsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer
      .apply((_req: unknown, _res: unknown, next: () => void) => next())
      .forRoutes({ path: '*', method: RequestMethod.ALL });
  }
}

describe('httpMetricsMiddleware (under Nest routing)', () => {
  let app: NestExpressApplication;
  let url: string;
  let metrics: MetricsRegistry;
  let clockMs = 0;

  beforeAll(async () => {
    metrics = new MetricsRegistry();
    app = await NestFactory.create<NestExpressApplication>(ThingsModule, {
      logger: false,
      bodyParser: false,
    });
    // Every reading of the stopwatch advances it by 250 ms: each request lasts exactly 0.25 s.
    app.use(httpMetricsMiddleware(metrics, () => (clockMs += 250)));
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(() => app.close());

  const series = async (name: string) =>
    (await metrics.registry.getSingleMetricAsString(name))
      .split('\n')
      .filter((line) => !line.startsWith('#'));

  it('labels requests with the route pattern, or "unmatched" when no route handled them', async () => {
    for (const path of ['/things/1', '/things/2', '/things/missing', '/nope', '/']) {
      await (await fetch(url + path)).text();
    }
    await (await fetch(`${url}/things/1`, { method: 'POST' })).text();

    expect(await series('molecule_http_requests_total')).toEqual([
      'molecule_http_requests_total{method="GET",path="/things/:id",status="200"} 2',
      'molecule_http_requests_total{method="GET",path="/things/:id",status="404"} 1',
      'molecule_http_requests_total{method="GET",path="unmatched",status="404"} 2',
      'molecule_http_requests_total{method="POST",path="unmatched",status="404"} 1',
    ]);
    expect(await series('molecule_http_request_duration_seconds_total')).toEqual([
      'molecule_http_request_duration_seconds_total{method="GET",path="/things/:id",status="200"} 0.5',
      'molecule_http_request_duration_seconds_total{method="GET",path="/things/:id",status="404"} 0.25',
      'molecule_http_request_duration_seconds_total{method="GET",path="unmatched",status="404"} 0.5',
      'molecule_http_request_duration_seconds_total{method="POST",path="unmatched",status="404"} 0.25',
    ]);
  });

  it('puts each request in its latency bucket, by the same labels', async () => {
    const before = await series('molecule_http_request_duration_seconds');
    const count = (lines: string[], suffix: string) =>
      Number(
        lines
          .find((l) =>
            l.startsWith(
              `molecule_http_request_duration_seconds${suffix}{method="GET",path="/things/:id",status="200"`,
            ),
          )
          ?.split(' ')
          .pop() ?? 0,
      );
    await (await fetch(`${url}/things/7`)).text();
    const after = await series('molecule_http_request_duration_seconds');

    expect(count(after, '_count') - count(before, '_count')).toBe(1);
    expect(count(after, '_sum') - count(before, '_sum')).toBeCloseTo(0.25);
    // 0.25 s lands in the 0.25 bucket and every one above it, not in the 0.1 bucket.
    const bucket = (lines: string[], le: string) =>
      Number(
        lines
          .find(
            (l) =>
              l.startsWith('molecule_http_request_duration_seconds_bucket{') &&
              l.includes(`le="${le}",method="GET",path="/things/:id",status="200"`),
          )
          ?.split(' ')
          .pop() ?? 0,
      );
    expect(bucket(after, '0.25') - bucket(before, '0.25')).toBe(1);
    expect(bucket(after, '0.1') - bucket(before, '0.1')).toBe(0);
  });
});
