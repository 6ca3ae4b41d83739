import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AppConfig, ControlPlaneSettings, resolveDataDir } from './app-config';
import { parseGoDuration } from './go-duration';

/** A value the loader could not use: reported at boot with the default it applied. */
export interface ConfigWarning {
  readonly name: string;
  readonly value: string;
  readonly applied: string;
  readonly reason: string;
}

export interface LoadedConfig {
  readonly config: AppConfig;
  readonly warnings: readonly ConfigWarning[];
}

type Env = Readonly<Record<string, string | undefined>>;

/**
 * Builds the typed configuration from an environment record. Malformed values never
 * silently vanish: each one yields a warning naming the variable, the bad value and the
 * default that was applied instead.
 */
export function loadConfig(env: Env, cwd: string = process.cwd()): LoadedConfig {
  const warnings: ConfigWarning[] = [];
  const read = (name: string): string => env[name] ?? '';

  const positiveInt = (name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number => {
    const raw = read(name).trim();
    if (raw === '') return fallback;
    // Base-10 integer with an optional sign; no units, decimals or spaces (`60s`, `1.5` are bad).
    if (!/^[+-]?\d+$/.test(raw) || Number(raw) <= 0 || Number(raw) > max) {
      warnings.push({
        name,
        value: raw,
        applied: String(fallback),
        reason: `must be an integer between 1 and ${max}`,
      });
      return fallback;
    }
    return Number(raw);
  };

  /** Like `positiveInt`, but unset stays unset (a malformed value too, with a warning). */
  const optionalPositiveInt = (name: string): number | undefined => {
    const raw = read(name).trim();
    if (raw === '') return undefined;
    if (!/^[+-]?\d+$/.test(raw) || Number(raw) <= 0 || !Number.isSafeInteger(Number(raw))) {
      warnings.push({ name, value: raw, applied: 'unset', reason: 'must be a positive integer' });
      return undefined;
    }
    return Number(raw);
  };

  const positiveHours = (name: string, fallback: number): number => {
    const raw = read(name).trim();
    if (raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0) {
      warnings.push({
        name,
        value: raw,
        applied: String(fallback),
        reason: 'must be a positive number of hours',
      });
      return fallback;
    }
    return value;
  };

  const tierLimit = (tier: number, memoryMb: number, cpuShares: number) => ({
    memoryMb: positiveInt(`TIER${tier}_MEMORY_MB`, memoryMb),
    cpuShares: positiveInt(`TIER${tier}_CPU_SHARES`, cpuShares),
  });

  /** Go's strconv.ParseBool; anything else is reported and read as unset. */
  const goBool = (name: string): boolean | undefined => {
    const raw = read(name).trim();
    if (raw === '') return undefined;
    if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(raw)) return true;
    if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(raw)) return false;
    warnings.push({ name, value: raw, applied: 'unset', reason: 'must be a boolean' });
    return undefined;
  };

  const positiveDuration = (name: string, fallback: string): number => {
    const raw = read(name).trim();
    const ms = raw === '' ? undefined : parseGoDuration(raw);
    if (raw !== '' && (ms === undefined || ms <= 0)) {
      warnings.push({
        name,
        value: raw,
        applied: fallback,
        reason: 'must be a positive Go duration such as 30s or 5m',
      });
    }
    return ms !== undefined && ms > 0 ? ms : parseGoDuration(fallback)!;
  };

  const corsRaw = env.CORS_ORIGINS;
  const configsDir = resolveConfigsDir(read('CONFIGS_DIR').trim(), cwd);
  const corsOriginsSet = corsRaw !== undefined && corsRaw.trim() !== '';
  const port = positiveInt('PORT', 8080, 65535);

  const config = new AppConfig({
    port,
    databaseUrl: read('DATABASE_URL').trim() || undefined,
    dataDir: resolveDataDir(env.MOLECULE_DATA_DIR, cwd),
    embeddedPostgresPort: positiveInt('EMBEDDED_POSTGRES_PORT', 54330, 65535),
    databaseConnectTimeoutMs: positiveInt('DATABASE_CONNECT_TIMEOUT_MS', 2500, 3_600_000),
    databaseStatementTimeoutMs: positiveInt('DATABASE_STATEMENT_TIMEOUT_MS', 5000, 3_600_000),
    logLevel: logLevel(read('LOG_LEVEL'), warnings),
    logFormat: logFormat(read('LOG_FORMAT'), warnings),
    shutdownGraceMs: positiveInt('SHUTDOWN_GRACE_SECONDS', 30, 3600) * 1000,
    moleculeEnv: read('MOLECULE_ENV'),
    adminToken: read('ADMIN_TOKEN'),
    enableTestTokens: read('MOLECULE_ENABLE_TEST_TOKENS') === '1',
    deployMode: read('MOLECULE_DEPLOY_MODE'),
    orgId: read('MOLECULE_ORG_ID').trim(),
    orgSlug: read('MOLECULE_ORG_SLUG').trim(),
    cpUpstreamUrl: read('CP_UPSTREAM_URL').trim().replace(/\/+$/, ''),
    corsOrigins: corsOriginsSet
      ? corsRaw
          .split(',')
          .map((o) => o.trim())
          .filter((o) => o !== '')
      : [],
    corsOriginsSet,
    rateLimitPerMinute: positiveInt('RATE_LIMIT', 600),
    canvasProxyUrl: read('CANVAS_PROXY_URL').trim(),
    platformUrl: read('PLATFORM_URL').trim() || `http://host.docker.internal:${port}`,
    externalPlatformUrl: read('EXTERNAL_PLATFORM_URL').trim().replace(/\/+$/, ''),
    configsDir,
    secretsEncryptionKey: read('SECRETS_ENCRYPTION_KEY'),
    pluginsDir: resolvePluginsDir(read('PLUGINS_DIR').trim(), configsDir, cwd),
    pluginAllowUnpinned: read('PLUGIN_ALLOW_UNPINNED') === 'true',
    pluginInstallBodyMaxBytes: positiveInt('PLUGIN_INSTALL_BODY_MAX_BYTES', 65_536),
    pluginInstallFetchTimeoutMs: positiveDuration('PLUGIN_INSTALL_FETCH_TIMEOUT', '5m'),
    pluginInstallMaxDirBytes: positiveInt('PLUGIN_INSTALL_MAX_DIR_BYTES', 104_857_600),
    pluginGithubApiUrl: (read('PLUGIN_GITHUB_API_URL').trim() || 'https://api.github.com').replace(
      /\/+$/,
      '',
    ),
    reconcileConcurrency: positiveInt('RECONCILE_CONCURRENCY', 16, 1000),
    reconcileLeaseMs: positiveInt('RECONCILE_LEASE_SECONDS', 30, 86_400) * 1000,
    reconcileScanIntervalMs: positiveInt('RECONCILE_SCAN_INTERVAL_SECONDS', 5, 86_400) * 1000,
    a2aIdleTimeoutMs: positiveInt('A2A_IDLE_TIMEOUT_SECONDS', 300) * 1000,
    livenessTtlSeconds: positiveInt('LIVENESS_TTL_SECONDS', 180),
    livenessSweepIntervalMs: positiveInt('LIVENESS_SWEEP_INTERVAL_SECONDS', 15) * 1000,
    activityRetentionDays: positiveInt('ACTIVITY_RETENTION_DAYS', 7),
    activityCleanupIntervalMs: Math.round(
      positiveHours('ACTIVITY_CLEANUP_INTERVAL_HOURS', 6) * 3_600_000,
    ),
    schedulerPollIntervalMs: positiveInt('SCHEDULER_POLL_INTERVAL_MS', 30_000),
    deliveryLeaseMs: positiveInt('DELIVERY_LEASE_SECONDS', 30, 3_600) * 1000,
    workspaceDir: read('WORKSPACE_DIR').trim(),
    awarenessUrl: read('AWARENESS_URL').trim(),
    docker: {
      network: read('WORKSPACE_NETWORK').trim() || 'molecule-monorepo-net',
      imageRegistry:
        read('MOLECULE_IMAGE_REGISTRY').trim().replace(/\/+$/, '') || 'ghcr.io/molecule-ai',
      imagePlatform: env.MOLECULE_IMAGE_PLATFORM?.trim(),
      tierLimits: {
        2: tierLimit(2, 512, 1024),
        3: tierLimit(3, 2048, 2048),
        4: tierLimit(4, 4096, 4096),
      },
      scope: read('MOLECULE_DOCKER_SCOPE').trim(),
      platformInContainer: goBool('MOLECULE_IN_DOCKER'),
    },
    controlPlane: controlPlane(read),
    orphanSweepIntervalMs: positiveInt('ORPHAN_SWEEP_INTERVAL_SECONDS', 60) * 1000,
    healthSweepIntervalMs: positiveInt('HEALTH_SWEEP_INTERVAL_SECONDS', 15) * 1000,
    provisionTimeoutSweepIntervalMs:
      positiveInt('PROVISION_TIMEOUT_SWEEP_INTERVAL_SECONDS', 30) * 1000,
    hibernationSweepIntervalMs: positiveInt('HIBERNATION_SWEEP_INTERVAL_SECONDS', 60) * 1000,
    staleTokenGraceSeconds: positiveInt('STALE_TOKEN_GRACE_SECONDS', 300),
    provisionTimeoutOverrideSeconds: optionalPositiveInt('PROVISION_TIMEOUT_SECONDS'),
    ghcrUser: read('GHCR_USER').trim(),
    ghcrToken: read('GHCR_TOKEN').trim(),
    imageAutoRefresh: read('IMAGE_AUTO_REFRESH').trim().toLowerCase() === 'true',
    imageWatchIntervalMs: positiveInt('IMAGE_WATCH_INTERVAL_SECONDS', 300) * 1000,
    chatUploadSpillDir: path.resolve(cwd, read('CHAT_UPLOAD_SPILL_DIR').trim() || os.tmpdir()),
  });
  return { config, warnings };
}

const DEFAULT_CP_URL = 'https://api.moleculesai.app';

/** First non-empty source wins for each setting (spec 04 §3.1). */
function controlPlane(read: (name: string) => string): ControlPlaneSettings {
  const first = (...names: string[]) =>
    names.map((n) => read(n).trim()).find((v) => v !== '') ?? '';
  const sharedSecret = first('MOLECULE_CP_SHARED_SECRET', 'PROVISION_SHARED_SECRET');
  return {
    baseUrl: (first('CP_PROVISION_URL', 'MOLECULE_CP_URL') || DEFAULT_CP_URL).replace(/\/+$/, ''),
    sharedSecret,
    adminApiKey: first('CP_ADMIN_API_TOKEN') || sharedSecret,
  };
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

function logLevel(raw: string, warnings: ConfigWarning[]): string {
  const level = raw.trim().toLowerCase();
  if (level === '') return 'info';
  if (LOG_LEVELS.includes(level)) return level;
  warnings.push({
    name: 'LOG_LEVEL',
    value: raw,
    applied: 'info',
    reason: `must be one of ${LOG_LEVELS.join(', ')}`,
  });
  return 'info';
}

function logFormat(raw: string, warnings: ConfigWarning[]): AppConfig['logFormat'] {
  const format = raw.trim().toLowerCase();
  if (format === '') return 'auto';
  if (format === 'json' || format === 'pretty') return format;
  warnings.push({
    name: 'LOG_FORMAT',
    value: raw,
    applied: 'unset',
    reason: 'must be json or pretty',
  });
  return 'auto';
}

const TEMPLATE_DIR_NAME = 'workspace-configs-templates';

/** The first candidate that holds at least one template with a config.yaml; else the first. */
function resolveConfigsDir(explicit: string, cwd: string): string {
  if (explicit !== '') return path.resolve(cwd, explicit);
  const candidates = ['.', '..', '../..'].map((up) => path.resolve(cwd, up, TEMPLATE_DIR_NAME));
  return candidates.find(hasTemplate) ?? candidates[0];
}

function hasTemplate(dir: string): boolean {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .some(
        (entry) => entry.isDirectory() && fs.existsSync(path.join(dir, entry.name, 'config.yaml')),
      );
  } catch {
    return false;
  }
}

/**
 * PLUGINS_DIR when set; else the first of `<configsDir>/../plugins`, `../plugins`, `plugins`
 * holding at least one plugin directory; else the first of them (spec 05 §7.6).
 */
function resolvePluginsDir(explicit: string, configsDir: string, cwd: string): string {
  if (explicit !== '') return path.resolve(cwd, explicit);
  const candidates = [
    path.resolve(configsDir, '..', 'plugins'),
    path.resolve(cwd, '..', 'plugins'),
    path.resolve(cwd, 'plugins'),
  ];
  return candidates.find(hasSubdirectory) ?? candidates[0];
}

function hasSubdirectory(dir: string): boolean {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).some((entry) => entry.isDirectory());
  } catch {
    return false;
  }
}
