import { Abstract, INestApplication, Type } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { NestExpressApplication } from '@nestjs/platform-express';
import { APP_OPTIONS, configureApp } from '../../src/app.factory';
import { AppModule } from '../../src/app.module';
import { BackgroundLoops } from '../../src/common/loops/background-loops';
import { AppConfig } from '../../src/config/app-config';
import { loadConfig } from '../../src/config/load-config';
import { ComputeBackends } from '../../src/provisioner/compute-backends';
import { freeLoopbackPort } from '../../src/provisioner/docker/loopback-ports';
import { COMPUTE_BACKENDS_PROVIDER } from '../../src/provisioner/provisioner.module';
import { HttpClient } from './http-client';
import { trackOpenApp } from './open-apps';
import { TestDatabase } from './test-database';

export interface TestApp {
  readonly app: INestApplication;
  readonly config: AppConfig;
  readonly baseUrl: string;
  readonly http: HttpClient;
  get<T>(token: Type<T> | Abstract<T> | string | symbol): T;
  close(): Promise<void>;
}

/**
 * A port replaced for one test app (e.g. `{ provide: Clock, useValue: new FakeClock() }`), or
 * built by a factory (e.g. `CONFIGURED_COMPUTE`).
 */
export type ProviderOverride =
  | { readonly provide: Type<unknown> | Abstract<unknown> | symbol; readonly useValue: unknown }
  | {
      readonly provide: Type<unknown> | Abstract<unknown> | symbol;
      readonly useFactory: (...args: never[]) => unknown;
      readonly inject?: (Type<unknown> | Abstract<unknown>)[];
    };

const DAY_SECONDS = '86400';
/** Sweeps heal state that tests arrange on purpose; suites that test a sweep run its passes. */
const QUIET_SWEEPS = {
  ORPHAN_SWEEP_INTERVAL_SECONDS: DAY_SECONDS,
  HEALTH_SWEEP_INTERVAL_SECONDS: DAY_SECONDS,
  PROVISION_TIMEOUT_SWEEP_INTERVAL_SECONDS: DAY_SECONDS,
  HIBERNATION_SWEEP_INTERVAL_SECONDS: DAY_SECONDS,
  IMAGE_WATCH_INTERVAL_SECONDS: DAY_SECONDS,
};

/** Test apps drive no compute unless a test says so: no container is ever started by accident. */
const NO_COMPUTE: ProviderOverride = {
  provide: ComputeBackends,
  useValue: new ComputeBackends(null, null),
};

/**
 * The compute backends production would select from the app's env (a real Docker engine,
 * or the control plane with `MOLECULE_ORG_ID`): for tests of the real adapters.
 */
export const CONFIGURED_COMPUTE: ProviderOverride = COMPUTE_BACKENDS_PROVIDER;

/**
 * Boots the whole application on a free 127.0.0.1 port against `databaseUrl`, optionally
 * with some providers (ports) replaced. `PLATFORM_URL` defaults to the app's own address, so
 * a workspace container on the host network can register with it.
 */
export async function startTestApp(
  databaseUrl: string,
  env: Record<string, string> = {},
  overrides: readonly ProviderOverride[] = [],
): Promise<TestApp> {
  const port = await freeLoopbackPort();
  const { config } = loadConfig({
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Every test request comes from 127.0.0.1; suites that test the limiter set their own.
    RATE_LIMIT: '1000000',
    // Closing a test app waits this long at most for detached work a test left hanging.
    SHUTDOWN_GRACE_SECONDS: '2',
    PLATFORM_URL: `http://127.0.0.1:${port}`,
    ...QUIET_SWEEPS,
    ...env,
    DATABASE_URL: databaseUrl,
  });
  const withCompute = overrides.some((o) => o.provide === ComputeBackends)
    ? overrides
    : [...overrides, NO_COMPUTE];
  const app = await createOverriddenApp(config, withCompute);
  await app.listen(port, '127.0.0.1');
  // Loops' start-up work (the orphan sweeper's first sweep, the watcher's seeding) is over
  // before any test.
  await app.get(BackgroundLoops).startupsDone();
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    app,
    config,
    baseUrl,
    http: new HttpClient(baseUrl),
    get: <T>(token: Type<T> | Abstract<T> | string | symbol) =>
      app.get<T>(token as Type<T>, { strict: false }),
    close: trackOpenApp(databaseUrl, () => app.close()),
  };
}

async function createOverriddenApp(config: AppConfig, overrides: readonly ProviderOverride[]) {
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  for (const o of overrides) {
    const override = builder.overrideProvider(o.provide);
    builder =
      'useValue' in o
        ? override.useValue(o.useValue)
        : override.useFactory({ factory: o.useFactory, inject: o.inject ?? [] });
  }
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
