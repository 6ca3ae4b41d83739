import { describeRequiring } from '../../support/describe-requiring';
import { spawnSync } from 'node:child_process';

const PROBE = `
const Docker = require(${JSON.stringify(require.resolve('dockerode'))});
new Docker().ping({ abortSignal: AbortSignal.timeout(3000) })
  .then(() => process.exit(0))
  .catch((err) => { process.stderr.write(String(err && err.message || err)); process.exit(1); });
`;

let verdict: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Whether a Docker engine answers, decided synchronously (Jest collects tests synchronously):
 * a child process pings it with the environment's client settings.
 */
export function dockerAvailability(): { ok: true } | { ok: false; reason: string } {
  if (!verdict) {
    const probe = spawnSync(process.execPath, ['-e', PROBE], { encoding: 'utf8', timeout: 10_000 });
    verdict =
      probe.status === 0
        ? { ok: true }
        : {
            ok: false,
            reason: (probe.stderr || probe.error?.message || 'no answer').trim() || 'no answer',
          };
  }
  return verdict;
}

/** `describe` for tests that need a real Docker engine: without one, the suite fails. */
export function describeDocker(name: string, fn: () => void): void {
  const available = dockerAvailability();
  const missing = available.ok ? undefined : `no Docker engine answers (${available.reason})`;
  describeRequiring(name, missing, fn);
}
