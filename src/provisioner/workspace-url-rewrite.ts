import { internalUrl } from './docker/workspace-names';

/**
 * How the platform itself reaches a workspace at its stored URL (spec 03 §2.6 step 3). The
 * stored URL is the host's view (`http://127.0.0.1:<published port>`); a platform that runs in
 * a container on the workspaces' bridge network reaches the agent by container name instead.
 * Callers (the A2A proxy and anything else that calls agents) ask here and stay free of Docker.
 */
export abstract class WorkspaceUrlRewrite {
  abstract forPlatform(workspaceId: string, storedUrl: string): string;
}

/** The stored URL is reachable as it is (host networking, no Docker, platform on the host). */
export class StoredUrl extends WorkspaceUrlRewrite {
  forPlatform(_workspaceId: string, storedUrl: string): string {
    return storedUrl;
  }
}

/** Platform in a container on the bridge network: published loopback ports are not its own. */
export class BridgeNetworkUrl extends WorkspaceUrlRewrite {
  forPlatform(workspaceId: string, storedUrl: string): string {
    return storedUrl.startsWith('http://127.0.0.1:') ? internalUrl(workspaceId) : storedUrl;
  }
}
