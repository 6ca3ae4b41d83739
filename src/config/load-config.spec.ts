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
