import * as fs from 'node:fs';
import { describeRequiring } from './describe-requiring';

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

/** `describe` for tests that drive Debian's Chromium: without the browser, the suite fails. */
export function describeChromium(name: string, fn: () => void): void {
  const missing = fs.existsSync(CHROMIUM_PATH)
    ? undefined
    : `no browser at ${CHROMIUM_PATH} (apt-get install -y chromium, or set CHROMIUM_PATH)`;
  describeRequiring(name, missing, fn);
}
