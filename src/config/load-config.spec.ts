import * as fs from 'node:fs';
import * as path from 'node:path';
import { ENV_VARS } from './config-schema';
import { loadConfig } from './load-config';

describe('loadConfig', () => {
  it('applies the documented defaults to an empty environment', () => {
    const { config, warnings } = loadConfig({}, '/srv/app');
    expect(warnings).toEqual([]);
    expect(config.port).toBe(8080);
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe('/srv/app/.data');
    expect(config.rateLimitPerMinute).toBe(600);
    expect(config.a2aIdleTimeoutMs).toBe(300_000);
    expect(config.livenessTtlSeconds).toBe(180);
    expect(config.activityRetentionDays).toBe(7);
    expect(config.activityCleanupIntervalMs).toBe(6 * 3_600_000);
    expect(config.schedulerPollIntervalMs).toBe(30_000);
    expect(config.platformUrl).toBe('http://host.docker.internal:8080');
    expect(config.corsOriginsSet).toBe(false);
  });

  it.each([['foo'], ['-30'], ['0'], ['1.5'], ['60s'], [' 12 0']])(
    'reports A2A_IDLE_TIMEOUT_SECONDS=%p with the default applied',
    (bad) => {
      const { config, warnings } = loadConfig({ A2A_IDLE_TIMEOUT_SECONDS: bad });
      expect(config.a2aIdleTimeoutMs).toBe(300_000);
      expect(warnings).toEqual([
        expect.objectContaining({
          name: 'A2A_IDLE_TIMEOUT_SECONDS',
          value: bad.trim(),
          applied: '300',
        }),
      ]);
    },
  );

  it.each([
    ['120', 120_000],
    ['1', 1_000],
    ['+7', 7_000],
  ])('accepts A2A_IDLE_TIMEOUT_SECONDS=%p', (value, ms) => {
    const { config, warnings } = loadConfig({ A2A_IDLE_TIMEOUT_SECONDS: value });
    expect(config.a2aIdleTimeoutMs).toBe(ms);
    expect(warnings).toEqual([]);
  });

  it('accepts fractional cleanup hours and rejects negative ones with a warning', () => {
    expect(
      loadConfig({ ACTIVITY_CLEANUP_INTERVAL_HOURS: '0.5' }).config.activityCleanupIntervalMs,
    ).toBe(1_800_000);
    const negative = loadConfig({ ACTIVITY_CLEANUP_INTERVAL_HOURS: '-2' });
    expect(negative.config.activityCleanupIntervalMs).toBe(6 * 3_600_000);
    expect(negative.warnings[0]).toMatchObject({
      name: 'ACTIVITY_CLEANUP_INTERVAL_HOURS',
      value: '-2',
      applied: '6',
    });
  });

  it('reads SCHEDULER_POLL_INTERVAL_MS in milliseconds and reports a bad one', () => {
    expect(loadConfig({ SCHEDULER_POLL_INTERVAL_MS: '250' }).config.schedulerPollIntervalMs).toBe(
      250,
    );
    const bad = loadConfig({ SCHEDULER_POLL_INTERVAL_MS: '30s' });
    expect(bad.config.schedulerPollIntervalMs).toBe(30_000);
    expect(bad.warnings).toEqual([
      expect.objectContaining({ name: 'SCHEDULER_POLL_INTERVAL_MS', applied: '30000' }),
    ]);
  });

  it('falls back to 600 for a non-positive RATE_LIMIT and says so', () => {
    const { config, warnings } = loadConfig({ RATE_LIMIT: '-1' });
    expect(config.rateLimitPerMinute).toBe(600);
    expect(warnings[0]).toMatchObject({ name: 'RATE_LIMIT', value: '-1', applied: '600' });
  });

  it('rejects an out-of-range PORT', () => {
    const { config, warnings } = loadConfig({ PORT: '70000' });
    expect(config.port).toBe(8080);
    expect(warnings[0]).toMatchObject({ name: 'PORT', applied: '8080' });
  });

  it('splits and trims CORS_ORIGINS', () => {
    const { config } = loadConfig({ CORS_ORIGINS: 'https://a.example, https://b.example,' });
    expect(config.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(config.corsOriginsSet).toBe(true);
  });

  describe('compute settings', () => {
    it('defaults to the reference’s Docker setup and control-plane URL', () => {
      const { config, warnings } = loadConfig({});
      expect(config.docker).toEqual({
        network: 'molecule-monorepo-net',
        imageRegistry: 'ghcr.io/molecule-ai',
        imagePlatform: undefined,
        tierLimits: {
          2: { memoryMb: 512, cpuShares: 1024 },
          3: { memoryMb: 2048, cpuShares: 2048 },
          4: { memoryMb: 4096, cpuShares: 4096 },
        },
        scope: '',
        platformInContainer: undefined,
      });
      expect(config.controlPlane).toEqual({
        baseUrl: 'https://api.moleculesai.app',
        sharedSecret: '',
        adminApiKey: '',
      });
      expect(config.workspaceDir).toBe('');
      expect(config.awarenessUrl).toBe('');
      expect(warnings).toEqual([]);
    });

    it('reads the Docker variables', () => {
      const { config } = loadConfig({
        WORKSPACE_NETWORK: 'host',
        MOLECULE_IMAGE_REGISTRY: 'registry.local/team/',
        MOLECULE_IMAGE_PLATFORM: '',
        TIER3_MEMORY_MB: '8192',
        TIER3_CPU_SHARES: '4096',
        MOLECULE_DOCKER_SCOPE: ' run-7 ',
        MOLECULE_IN_DOCKER: 'T',
        WORKSPACE_DIR: '/srv/ws',
        AWARENESS_URL: 'http://awareness:9000',
      });
      expect(config.docker).toMatchObject({
        network: 'host',
        imageRegistry: 'registry.local/team',
        imagePlatform: '', // present but empty: force nothing
        scope: 'run-7',
        platformInContainer: true,
      });
      expect(config.docker.tierLimits[3]).toEqual({ memoryMb: 8192, cpuShares: 4096 });
      expect(config.workspaceDir).toBe('/srv/ws');
      expect(config.awarenessUrl).toBe('http://awareness:9000');
    });

    it('a tier cap that is not a positive integer keeps its default, with a warning', () => {
      const { config, warnings } = loadConfig({ TIER2_MEMORY_MB: 'lots', TIER4_CPU_SHARES: '0' });
      expect(config.docker.tierLimits[2].memoryMb).toBe(512);
      expect(config.docker.tierLimits[4].cpuShares).toBe(4096);
      expect(warnings.map((w) => w.name)).toEqual(['TIER2_MEMORY_MB', 'TIER4_CPU_SHARES']);
    });

    it('an unreadable MOLECULE_IN_DOCKER is reported and left to the /.dockerenv check', () => {
      const { config, warnings } = loadConfig({ MOLECULE_IN_DOCKER: 'yes' });
      expect(config.docker.platformInContainer).toBeUndefined();
      expect(warnings[0]).toMatchObject({ name: 'MOLECULE_IN_DOCKER', applied: 'unset' });
    });

    it('control plane: first non-empty source wins for each setting', () => {
      expect(
        loadConfig({
          CP_PROVISION_URL: 'https://cp.example/',
          MOLECULE_CP_URL: 'https://other.example',
          PROVISION_SHARED_SECRET: 'fallback-secret',
        }).config.controlPlane,
      ).toEqual({
        baseUrl: 'https://cp.example',
        sharedSecret: 'fallback-secret',
        adminApiKey: 'fallback-secret',
      });
      expect(
        loadConfig({
          MOLECULE_CP_URL: 'https://other.example',
          MOLECULE_CP_SHARED_SECRET: 'primary',
          PROVISION_SHARED_SECRET: 'fallback-secret',
          CP_ADMIN_API_TOKEN: 'admin-key',
        }).config.controlPlane,
      ).toEqual({
        baseUrl: 'https://other.example',
        sharedSecret: 'primary',
        adminApiKey: 'admin-key',
      });
    });
  });

  describe('derived predicates', () => {
    it.each([
      ['development', true],
      ['dev', true],
      [' DEV ', true],
      ['Development', true],
      ['devel', false],
      ['staging', false],
      ['', false],
      ['production', false],
    ])('MOLECULE_ENV=%p → dev environment %p', (env, expected) => {
      expect(loadConfig({ MOLECULE_ENV: env }).config.isDevEnvironment).toBe(expected);
    });

    it('the dev fail-open hatch closes when ADMIN_TOKEN is set', () => {
      expect(loadConfig({ MOLECULE_ENV: 'dev' }).config.devModeFailOpen).toBe(true);
      expect(loadConfig({ MOLECULE_ENV: 'dev', ADMIN_TOKEN: 'x' }).config.devModeFailOpen).toBe(
        false,
      );
    });
  });

  describe('plugin settings', () => {
    it('defaults to the spec 05 §8 values', () => {
      const { config, warnings } = loadConfig({ CONFIGS_DIR: '/srv/templates' }, '/srv/app');
      expect(warnings).toEqual([]);
      expect(config.pluginsDir).toBe('/srv/plugins');
      expect(config.pluginAllowUnpinned).toBe(false);
      expect(config.pluginInstallBodyMaxBytes).toBe(65_536);
      expect(config.pluginInstallFetchTimeoutMs).toBe(300_000);
      expect(config.pluginInstallMaxDirBytes).toBe(104_857_600);
      expect(config.pluginGithubApiUrl).toBe('https://api.github.com');
    });

    it('reads explicit values', () => {
      const { config, warnings } = loadConfig(
        {
          PLUGINS_DIR: 'registry',
          PLUGIN_ALLOW_UNPINNED: 'true',
          PLUGIN_INSTALL_BODY_MAX_BYTES: '1024',
          PLUGIN_INSTALL_FETCH_TIMEOUT: '1m30s',
          PLUGIN_INSTALL_MAX_DIR_BYTES: '2048',
          PLUGIN_GITHUB_API_URL: 'http://127.0.0.1:9/api/',
        },
        '/srv/app',
      );
      expect(warnings).toEqual([]);
      expect(config.pluginsDir).toBe('/srv/app/registry');
      expect(config.pluginAllowUnpinned).toBe(true);
      expect(config.pluginInstallBodyMaxBytes).toBe(1024);
      expect(config.pluginInstallFetchTimeoutMs).toBe(90_000);
      expect(config.pluginInstallMaxDirBytes).toBe(2048);
      expect(config.pluginGithubApiUrl).toBe('http://127.0.0.1:9/api');
    });

    it.each([['TRUE'], ['1'], ['yes']])('only exactly "true" allows unpinned sources (%p)', (v) => {
      expect(loadConfig({ PLUGIN_ALLOW_UNPINNED: v }).config.pluginAllowUnpinned).toBe(false);
    });

    it.each([['5'], ['-1m'], ['0'], ['soon']])(
      'reports PLUGIN_INSTALL_FETCH_TIMEOUT=%p with 5m applied',
      (bad) => {
        const { config, warnings } = loadConfig({ PLUGIN_INSTALL_FETCH_TIMEOUT: bad });
        expect(config.pluginInstallFetchTimeoutMs).toBe(300_000);
        expect(warnings).toEqual([
          expect.objectContaining({ name: 'PLUGIN_INSTALL_FETCH_TIMEOUT', applied: '5m' }),
        ]);
      },
    );

    it('reports a non-positive size limit with the default applied', () => {
      const { config, warnings } = loadConfig({ PLUGIN_INSTALL_MAX_DIR_BYTES: '0' });
      expect(config.pluginInstallMaxDirBytes).toBe(104_857_600);
      expect(warnings[0]).toMatchObject({ name: 'PLUGIN_INSTALL_MAX_DIR_BYTES' });
    });
  });

  it("applies the sweepers' and image watcher's defaults", () => {
    const { config, warnings } = loadConfig({});
    expect(warnings).toEqual([]);
    expect(config).toMatchObject({
      orphanSweepIntervalMs: 60_000,
      healthSweepIntervalMs: 15_000,
      provisionTimeoutSweepIntervalMs: 30_000,
      hibernationSweepIntervalMs: 60_000,
      staleTokenGraceSeconds: 300,
      provisionTimeoutOverrideSeconds: undefined,
      ghcrUser: '',
      ghcrToken: '',
      imageAutoRefresh: false,
      imageWatchIntervalMs: 300_000,
    });
  });

  it('reads PROVISION_TIMEOUT_SECONDS as an override only when it is a positive integer', () => {
    expect(
      loadConfig({ PROVISION_TIMEOUT_SECONDS: '45' }).config.provisionTimeoutOverrideSeconds,
    ).toBe(45);
    expect(loadConfig({ PROVISION_TIMEOUT_SECONDS: ' ' }).warnings).toEqual([]);
    for (const bad of ['abc', '0', '-10', '1.5']) {
      const { config, warnings } = loadConfig({ PROVISION_TIMEOUT_SECONDS: bad });
      expect(config.provisionTimeoutOverrideSeconds).toBeUndefined();
      expect(warnings).toEqual([
        expect.objectContaining({
          name: 'PROVISION_TIMEOUT_SECONDS',
          value: bad,
          applied: 'unset',
        }),
      ]);
    }
  });

  it('enables the image watcher only for IMAGE_AUTO_REFRESH=true in any case', () => {
    expect(loadConfig({ IMAGE_AUTO_REFRESH: 'TRUE' }).config.imageAutoRefresh).toBe(true);
    expect(loadConfig({ IMAGE_AUTO_REFRESH: ' true ' }).config.imageAutoRefresh).toBe(true);
    expect(loadConfig({ IMAGE_AUTO_REFRESH: '1' }).config.imageAutoRefresh).toBe(false);
    expect(loadConfig({ IMAGE_AUTO_REFRESH: 'yes' }).config.imageAutoRefresh).toBe(false);
  });

  it('trims the registry credentials', () => {
    const { config } = loadConfig({ GHCR_USER: ' bot ', GHCR_TOKEN: ' secret\n' });
    expect([config.ghcrUser, config.ghcrToken]).toEqual(['bot', 'secret']);
  });

  describe('operations', () => {
    it('defaults: log format chosen by the terminal, 30 s of shutdown grace', () => {
      const { config } = loadConfig({});
      expect(config.logFormat).toBe('auto');
      expect(config.shutdownGraceMs).toBe(30_000);
    });

    it.each([
      ['json', 'json'],
      [' Pretty ', 'pretty'],
    ])('reads LOG_FORMAT=%p', (raw, format) => {
      const { config, warnings } = loadConfig({ LOG_FORMAT: raw });
      expect(config.logFormat).toBe(format);
      expect(warnings).toEqual([]);
    });

    it('reports an unknown LOG_FORMAT and chooses by the terminal', () => {
      const { config, warnings } = loadConfig({ LOG_FORMAT: 'xml' });
      expect(config.logFormat).toBe('auto');
      expect(warnings).toEqual([
        expect.objectContaining({ name: 'LOG_FORMAT', value: 'xml', applied: 'unset' }),
      ]);
    });

    it.each([['0'], ['-5'], ['1.5'], ['3601']])(
      'reports SHUTDOWN_GRACE_SECONDS=%p with 30 applied',
      (bad) => {
        const { config, warnings } = loadConfig({ SHUTDOWN_GRACE_SECONDS: bad });
        expect(config.shutdownGraceMs).toBe(30_000);
        expect(warnings).toEqual([
          expect.objectContaining({ name: 'SHUTDOWN_GRACE_SECONDS', applied: '30' }),
        ]);
      },
    );

    it('reads SHUTDOWN_GRACE_SECONDS in whole seconds', () => {
      expect(loadConfig({ SHUTDOWN_GRACE_SECONDS: '5' }).config.shutdownGraceMs).toBe(5_000);
    });
  });

  it('.env.example lists every variable the server reads, with its default', () => {
    const example = fs.readFileSync(path.join(__dirname, '../../.env.example'), 'utf8');
    for (const v of ENV_VARS) {
      expect(example).toMatch(new RegExp(`^${v.name}=${escape(v.defaultText)}$`, 'm'));
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
