import type { HostConfig } from 'dockerode';
import type { TierLimit } from '../../config/app-config';
import type { WorkspaceAccess } from '../provisioner.port';
import { configVolumeName, sessionVolumeName, workspaceVolumeName } from './workspace-names';

export const A2A_CONTAINER_PORT = '8000/tcp';
export const HOST_NETWORK = 'host';
const DOCKER_SOCKET_BIND = '/var/run/docker.sock:/var/run/docker.sock';
const SANDBOX_TMPFS = 'rw,noexec,nosuid,size=64m';

export type TierLimits = Readonly<Record<2 | 3 | 4, TierLimit>>;

/** The `/workspace` mount (spec 04 §2.3): a host directory when given, else a named volume. */
export function workspaceMount(
  workspaceId: string,
  dir: string | undefined,
  access: WorkspaceAccess | '' | undefined,
): string {
  if (!dir || access === 'none') return `${workspaceVolumeName(workspaceId)}:/workspace`;
  return access === 'read_only' ? `${dir}:/workspace:ro` : `${dir}:/workspace`;
}

/** Binds before the tier rules: config volume, `/workspace`, and the claude-code sessions. */
export function workspaceBinds(input: {
  workspaceId: string;
  runtime: string;
  workspaceDir?: string;
  workspaceAccess?: WorkspaceAccess;
}): string[] {
  const binds = [
    `${configVolumeName(input.workspaceId)}:/configs`,
    workspaceMount(input.workspaceId, input.workspaceDir, input.workspaceAccess),
  ];
  if (input.runtime === 'claude-code') {
    binds.push(`${sessionVolumeName(input.workspaceId)}:/root/.claude/sessions`);
  }
  return binds;
}

/** Unknown and zero tiers behave as tier 2. */
export function effectiveTier(tier: number): 1 | 2 | 3 | 4 {
  return tier === 1 || tier === 3 || tier === 4 ? tier : 2;
}

/** Memory in bytes and NanoCPUs (shares × 10⁹ / 1024) of a capped tier. */
export function tierCaps(limit: TierLimit): { Memory: number; NanoCpus: number } {
  return {
    Memory: limit.memoryMb * 1024 * 1024,
    NanoCpus: Math.floor((limit.cpuShares * 1_000_000_000) / 1024),
  };
}

/**
 * Applies the tier rules (spec 04 §2.4) to a host config: 1 sandboxed (config mount only,
 * read-only root, small noexec /tmp, no caps), 2 capped, 3 privileged with the host's PID
 * namespace, 4 that plus host networking and the Docker socket.
 */
export function applyTier(host: HostConfig, tier: number, limits: TierLimits): HostConfig {
  const t = effectiveTier(tier);
  if (t === 1) {
    return {
      ...host,
      Binds: (host.Binds ?? []).slice(0, 1),
      ReadonlyRootfs: true,
      Tmpfs: { '/tmp': SANDBOX_TMPFS },
    };
  }
  const capped = { ...host, ...tierCaps(limits[t]) };
  if (t === 2) return capped;
  const privileged = { ...capped, Privileged: true, PidMode: 'host' };
  if (t === 3) return privileged;
  return {
    ...privileged,
    NetworkMode: HOST_NETWORK,
    Binds: [...(host.Binds ?? []), DOCKER_SOCKET_BIND],
  };
}

export interface ContainerNetworking {
  readonly hostConfig: HostConfig;
  readonly exposedPorts?: Record<string, object>;
  readonly endpoints?: Record<string, { Aliases: string[] }>;
  /** On the host's network: the agent needs a loopback port of its own. */
  readonly hostNetwork: boolean;
}

/**
 * Where the container's A2A port lives. A bridge network publishes 8000/tcp on 127.0.0.1 (an
 * ephemeral host port) and gives the container its name as alias; the host network (chosen,
 * or forced by tier 4) publishes nothing.
 */
export function containerNetworking(
  host: HostConfig,
  network: string,
  containerName: string,
): ContainerNetworking {
  if (network === HOST_NETWORK || host.NetworkMode === HOST_NETWORK) {
    return { hostConfig: { ...host, NetworkMode: HOST_NETWORK }, hostNetwork: true };
  }
  return {
    hostConfig: {
      ...host,
      NetworkMode: network,
      PortBindings: { [A2A_CONTAINER_PORT]: [{ HostIp: '127.0.0.1', HostPort: '' }] },
    },
    exposedPorts: { [A2A_CONTAINER_PORT]: {} },
    endpoints: { [network]: { Aliases: [containerName] } },
    hostNetwork: false,
  };
}
