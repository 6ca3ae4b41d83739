import * as path from 'node:path';

/**
 * The one typed, validated configuration object. Built once from an environment record
 * (never read from `process.env` at call time), so tests can boot apps with their own env.
 */
export class AppConfig {
  readonly port!: number;
  /** Unset: start an embedded PostgreSQL under `dataDir`. */
  readonly databaseUrl!: string | undefined;
  readonly dataDir!: string;
  readonly embeddedPostgresPort!: number;
  readonly logLevel!: string;

  /** Raw MOLECULE_ENV, untrimmed (the test-token gate compares it exactly). */
  readonly moleculeEnv!: string;
  readonly adminToken!: string;
  readonly enableTestTokens!: boolean;
  readonly deployMode!: string;
  readonly orgId!: string;
  readonly orgSlug!: string;
  readonly cpUpstreamUrl!: string;

  /** Empty when CORS_ORIGINS is unset. */
  readonly corsOrigins!: readonly string[];
  readonly corsOriginsSet!: boolean;
  readonly rateLimitPerMinute!: number;
  readonly canvasProxyUrl!: string;

  readonly platformUrl!: string;
  readonly externalPlatformUrl!: string;
  readonly configsDir!: string;
  readonly secretsEncryptionKey!: string;

  readonly a2aIdleTimeoutMs!: number;
  readonly livenessTtlSeconds!: number;
  readonly livenessSweepIntervalMs!: number;
  readonly activityRetentionDays!: number;
  readonly activityCleanupIntervalMs!: number;
  readonly schedulerPollIntervalMs!: number;

  constructor(values: AppConfigValues) {
    Object.assign(this, values);
  }

  /** `MOLECULE_ENV` is `development` or `dev` (trimmed, any case). */
  get isDevEnvironment(): boolean {
    const env = this.moleculeEnv.trim().toLowerCase();
    return env === 'development' || env === 'dev';
  }

  /** `MOLECULE_ENV` is `prod` or `production` (trimmed, any case). */
  get isProductionEnvironment(): boolean {
    const env = this.moleculeEnv.trim().toLowerCase();
    return env === 'production' || env === 'prod';
  }

  /** The auth fail-open hatch: dev environment and no ADMIN_TOKEN. */
  get devModeFailOpen(): boolean {
    return this.adminToken === '' && this.isDevEnvironment;
  }

  /** Same-origin canvas trust is decided once, at start-up, from CANVAS_PROXY_URL. */
  get sameOriginCanvasEnabled(): boolean {
    return this.canvasProxyUrl !== '';
  }
}

/** The stored fields; the derived predicates are computed from them. */
export type AppConfigValues = Omit<
  AppConfig,
  'isDevEnvironment' | 'isProductionEnvironment' | 'devModeFailOpen' | 'sameOriginCanvasEnabled'
>;

export const DEFAULT_CORS_ORIGINS = ['http://localhost:3000', 'http://localhost:3001'];

export function resolveDataDir(raw: string | undefined, cwd: string): string {
  const dir = raw && raw.trim() !== '' ? raw.trim() : '.data';
  return path.resolve(cwd, dir);
}
