import { loadConfig } from '../../../config/load-config';
import { DeployMode } from '../deploy-mode';
import { HostResolver } from '../host-resolver';
import { UrlGuard } from '../url-guard';
import { FakeHostResolver } from './fake-host-resolver';

/** A `UrlGuard` for the given environment, resolving names through `resolver` only. */
export function urlGuardFor(
  env: Readonly<Record<string, string>> = {},
  resolver: HostResolver = new FakeHostResolver(),
): UrlGuard {
  return new UrlGuard(new DeployMode(loadConfig(env).config), resolver);
}
