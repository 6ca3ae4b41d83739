import * as fs from 'node:fs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags for a headless, sandbox-free run that talks to nothing but the page it is given. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * `describe` for tests that drive Debian's Chromium. Without the browser the suite does not
 * pass silently: it says so on stderr and its tests are reported as skipped — or, with
 * REQUIRE_CHROMIUM=1 (CI, which installs it), one test fails with the reason.
 */
export function describeChromium(name: string, fn: () => void): void {
  if (fs.existsSync(CHROMIUM_PATH)) {
    describe(name, fn);
    return;
  }
  const message = `Chromium suite "${name}" did not run: no browser at ${CHROMIUM_PATH} (apt-get install -y chromium)`;
  if (process.env.REQUIRE_CHROMIUM === '1') {
    describe(name, () => {
      it('needs Chromium (REQUIRE_CHROMIUM=1)', () => {
        throw new Error(message);
      });
    });
    return;
  }
  process.stderr.write(`\n${message}\n`);
  describe.skip(name, fn);
}
