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
  /** Bound on getting a connection: waiting for a free one in the pool, or opening one. */
  readonly databaseConnectTimeoutMs!: number;
  /** Bound on one statement's answer (a server that stopped answering fails in bounded time). */
  readonly databaseStatementTimeoutMs!: number;
  readonly logLevel!: string;
  /** Unset (`auto`): pretty on a terminal, JSON otherwise. */
  readonly logFormat!: 'json' | 'pretty' | 'auto';
  /** SIGTERM: in-flight requests and background work get this long to finish. */
  readonly shutdownGraceMs!: number;

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

  /** The plugin registry (`GET /plugins`, `local://`): PLUGINS_DIR or discovered (spec 05 §7.6). */
  readonly pluginsDir!: string;
  readonly pluginAllowUnpinned!: boolean;
  readonly pluginInstallBodyMaxBytes!: number;
  readonly pluginInstallFetchTimeoutMs!: number;
  readonly pluginInstallMaxDirBytes!: number;
  /** No trailing slash. */
  readonly pluginGithubApiUrl!: string;
  readonly reconcileConcurrency!: number;
  readonly reconcileLeaseMs!: number;
  readonly reconcileScanIntervalMs!: number;

  readonly a2aIdleTimeoutMs!: number;
  readonly livenessTtlSeconds!: number;
  readonly livenessSweepIntervalMs!: number;
  readonly activityRetentionDays!: number;
  readonly activityCleanupIntervalMs!: number;
  readonly schedulerPollIntervalMs!: number;
  /** Lease of a replica on a cron fire or queued A2A delivery it has in flight. */
  readonly deliveryLeaseMs!: number;

  /** Default host directory for `/workspace` (spec 04 §2.3); empty: a named volume. */
  readonly workspaceDir!: string;
  /** Injected with the workspace's awareness namespace when non-empty (spec 04 §2.2). */
  readonly awarenessUrl!: string;
  readonly docker!: DockerSettings;
  readonly controlPlane!: ControlPlaneSettings;
  readonly orphanSweepIntervalMs!: number;
  readonly healthSweepIntervalMs!: number;
  readonly provisionTimeoutSweepIntervalMs!: number;
  readonly hibernationSweepIntervalMs!: number;
  /** Live tokens unused for this long, of a workspace with no container, are revoked. */
  readonly staleTokenGraceSeconds!: number;
  /** PROVISION_TIMEOUT_SECONDS: one provisioning timeout for every runtime, when set. */
  readonly provisionTimeoutOverrideSeconds!: number | undefined;

  /** Registry credentials; used only when both are set (trimmed). */
  readonly ghcrUser!: string;
  readonly ghcrToken!: string;
  readonly imageAutoRefresh!: boolean;
  readonly imageWatchIntervalMs!: number;
  /** Absolute directory for spilled chat uploads (the system temp directory by default). */
  readonly chatUploadSpillDir!: string;

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

/** Memory and CPU caps of one tier (spec 04 §2.4). */
export interface TierLimit {
  readonly memoryMb: number;
  readonly cpuShares: number;
}

/** What the Docker provisioner needs from the environment (spec 04 §1–§2, §12). */
export interface DockerSettings {
  /** `host`, or the bridge network workspaces join. */
  readonly network: string;
  /** Image prefix, without a trailing `/`. */
  readonly imageRegistry: string;
  /** MOLECULE_IMAGE_PLATFORM as given; `undefined` when absent (auto-detected). */
  readonly imagePlatform: string | undefined;
  readonly tierLimits: Readonly<Record<2 | 3 | 4, TierLimit>>;
  /** Optional `molecule.platform.scope` label value; empty: no scope (every managed object). */
  readonly scope: string;
  /** MOLECULE_IN_DOCKER; `undefined` when unset or unreadable (then `/.dockerenv` decides). */
  readonly platformInContainer: boolean | undefined;
}

/** The control-plane provisioner's endpoint and credentials (spec 04 §3.1). */
export interface ControlPlaneSettings {
  readonly baseUrl: string;
  readonly sharedSecret: string;
  readonly adminApiKey: string;
}

export const DEFAULT_CORS_ORIGINS = ['http://localhost:3000', 'http://localhost:3001'];

export function resolveDataDir(raw: string | undefined, cwd: string): string {
  const dir = raw && raw.trim() !== '' ? raw.trim() : '.data';
  return path.resolve(cwd, dir);
}
