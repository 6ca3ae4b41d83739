import { Abstract, INestApplication, Type } from '@nestjs/common';
import type { AddressInfo } from 'node:net';
import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { APP_OPTIONS, configureApp, createApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { HttpClient } from './http-client';
import { TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly baseUrl: string;
  readonly http: HttpClient;
  get<T>(token: Type<T> | Abstract<T> | string | symbol): T;
  close(): Promise<void>;
}

/** A port replaced for one test app (e.g. `{ provide: Clock, useValue: new FakeClock() }`). */
export interface ProviderOverride {
  readonly provide: Type<unknown> | Abstract<unknown>;
  readonly useValue: unknown;
}

/**
 * Boots the whole application on a random 127.0.0.1 port against `databaseUrl`, optionally
 * with some providers (ports) replaced.
 */
export async function startTestApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  overrides: readonly ProviderOverride[] = [],
): Promise<TestApp> {
  const { config } = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every test request comes from 127.0.0.1; suites that test the limiter set their own.
    RATE_LIMIT: '1000000',
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const app =
    overrides.length === 0 ? await createApp(config) : await createOverriddenApp(config, overrides);
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    baseUrl,
    http: new HttpClient(baseUrl),
    get: <T>(token: Type<T> | Abstract<T> | string | symbol) =>
      app.get<T>(token as Type<T>, { strict: false }),
    close: () => app.close(),
  };
}

async function createOverriddenApp(config: AppConfig, overrides: readonly ProviderOverride[]) {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  for (const o of overrides) builder = builder.overrideProvider(o.provide).useValue(o.useValue);
  const moduleRef = await builder.compile();
  return configureApp(moduleRef.createNestApplication<NestExpressApplication>(APP_OPTIONS));
}

/** Jest lifecycle wrapper: one app (per test file, or per describe block) on the file's database. */
export function useTestApp(
  db: TestDatabase,
  env: Record<string, string> = {},
  overrides: readonly ProviderOverride[] = [],
): TestApp {
  let instance: TestApp | undefined;
  beforeAll(async () => {
    instance = await startTestApp(db.url, env, overrides);
  });
  afterAll(async () => {
    await instance?.close();
  });
  const must = () => {
    if (!instance) throw new Error('test app not started');
    return instance;
  };
  return {
    get app() {
      return must().app;
    },
    get config() {
      return must().config;
    },
    get baseUrl() {
      return must().baseUrl;
    },
    get http() {
      return must().http;
    },
    get: (token) => must().get(token),
    close: () => must().close(),
  };
}
