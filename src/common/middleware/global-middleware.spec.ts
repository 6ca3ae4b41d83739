import { Controller, DynamicModule, Get, Module, Provider } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { AddressInfo } from 'node:net';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { Clock } from '../clock/clock';
import { MetricsRegistry } from '../metrics/metrics-registry';
import { applyGlobalMiddleware } from './global-middleware';

@Controller()
class PingController {
  @Get('ping')
  ping(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({})
class TestAppModule {
  static with(env: Record<string, string>, extra: Provider[]): DynamicModule {
    return {
      module: TestAppModule,
      controllers: [PingController],
      providers: [
        { provide: AppConfig, useValue: loadConfig(env).config },
        MetricsRegistry,
        ...extra,
      ],
    };
  }
}

describe('applyGlobalMiddleware', () => {
  let app: NestExpressApplication;
  let url: string;
  let nowMs = Date.UTC(2026, 0, 1);
  const fakeClock: Clock = {
    now: () => new Date(nowMs),
    setTimeout: () => ({ cancel: () => undefined }),
  };

  async function start(env: Record<string, string>, extra: Provider[] = []): Promise<void> {
    const providers = [{ provide: Clock, useValue: fakeClock }, ...extra];
    app = await NestFactory.create<NestExpressApplication>(TestAppModule.with(env, providers), {
      logger: false,
      bodyParser: false,
    });
    applyGlobalMiddleware(app);
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  }
  afterEach(() => app.close());

  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(url + path, { headers });
  const requestsTotal = async () =>
    (
      await app
        .get(MetricsRegistry)
        .registry.getSingleMetricAsString('molecule_http_requests_total')
    )
      .split('\n')
      .filter((line) => !line.startsWith('#'));

  it("limits on the app's Clock", async () => {
    await start({ RATE_LIMIT: '1' });
    expect((await get('/ping')).status).toBe(200);
    expect((await get('/ping')).status).toBe(429);
    nowMs += 60_000;
    expect((await get('/ping')).status).toBe(200);
  });

  it('counts tenant-guard 404s (metrics outside the guard) but not 429s (inside the limiter)', async () => {
    await start({ RATE_LIMIT: '2', MOLECULE_ORG_ID: 'org-1' });
    expect((await get('/ping', { 'X-Molecule-Org-Id': 'org-1' })).status).toBe(200);
    expect((await get('/ping')).status).toBe(404);
    expect((await get('/ping')).status).toBe(429);
    expect(await requestsTotal()).toEqual([
      'molecule_http_requests_total{method="GET",path="/ping",status="200"} 1',
      'molecule_http_requests_total{method="GET",path="unmatched",status="404"} 1',
    ]);
  });

  it('answers preflights before the limiter and the guard', async () => {
    await start({ RATE_LIMIT: '1', MOLECULE_ORG_ID: 'org-1' });
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`${url}/ping`, {
        method: 'OPTIONS',
        headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'GET' },
      });
      expect(res.status).toBe(204);
      expect(res.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });

  it('sets security headers on every response: passed, tenant-guarded, rate-limited, CORS-refused', async () => {
    await start({ MOLECULE_ORG_ID: 'org-1', RATE_LIMIT: '2' });
    const passed = await get('/ping', { 'X-Molecule-Org-Id': 'org-1' });
    const guarded = await get('/ping');
    const limited = await get('/ping');
    const foreign = await get('/ping', { Origin: 'https://evil.example' });
    expect([passed, guarded, limited, foreign].map((r) => r.status)).toEqual([200, 404, 429, 403]);
    for (const res of [passed, guarded, limited, foreign]) {
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('registers the WebSocket gauge at 0', async () => {
    await start({});
    const text = await app.get(MetricsRegistry).registry.metrics();
    expect(text).toMatch(/^molecule_websocket_connections_active 0$/m);
  });
});
