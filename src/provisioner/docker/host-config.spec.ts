import type { HostConfig } from 'dockerode';
import {
  applyTier,
  containerNetworking,
  effectiveTier,
  tierCaps,
  TierLimits,
  workspaceBinds,
  workspaceMount,
} from './host-config';

const LIMITS: TierLimits = {
  2: { memoryMb: 512, cpuShares: 1024 },
  3: { memoryMb: 2048, cpuShares: 2048 },
  4: { memoryMb: 4096, cpuShares: 4096 },
};
const ID = 'abc123def456-0000-0000-0000-000000000000';
const BINDS = [`ws-abc123def456-configs:/configs`, `ws-${ID}-workspace:/workspace`];
const base = (): HostConfig => ({ Binds: [...BINDS], RestartPolicy: { Name: 'unless-stopped' } });

describe('workspace mounts', () => {
  it.each([
    [undefined, undefined, `ws-${ID}-workspace:/workspace`],
    ['', 'read_write', `ws-${ID}-workspace:/workspace`],
    ['/srv/ws', 'none', `ws-${ID}-workspace:/workspace`],
    ['/srv/ws', 'read_only', '/srv/ws:/workspace:ro'],
    ['/srv/ws', 'read_write', '/srv/ws:/workspace'],
    ['/srv/ws', undefined, '/srv/ws:/workspace'],
  ] as const)('dir %p with access %p mounts %p', (dir, access, mount) => {
    expect(workspaceMount(ID, dir, access)).toBe(mount);
  });

  it('binds the config volume first and the claude-code sessions last', () => {
    expect(workspaceBinds({ workspaceId: ID, runtime: 'langgraph' })).toEqual(BINDS);
    expect(workspaceBinds({ workspaceId: ID, runtime: 'claude-code' })).toEqual([
      ...BINDS,
      'ws-abc123def456-claude-sessions:/root/.claude/sessions',
    ]);
  });
});

describe('tier rules', () => {
  it('converts caps: MiB to bytes, shares to NanoCPUs', () => {
    expect(tierCaps({ memoryMb: 512, cpuShares: 1024 })).toEqual({
      Memory: 536_870_912,
      NanoCpus: 1_000_000_000,
    });
    expect(tierCaps({ memoryMb: 8192, cpuShares: 4096 })).toEqual({
      Memory: 8192 * 1024 * 1024,
      NanoCpus: 4_000_000_000,
    });
    expect(tierCaps({ memoryMb: 1, cpuShares: 1000 }).NanoCpus).toBe(976_562_500);
  });

  it('tier 1 is sandboxed: the config mount only, read-only root, small noexec /tmp, no caps', () => {
    const host = applyTier(base(), 1, LIMITS);
    expect(host.Binds).toEqual([BINDS[0]]);
    expect(host.ReadonlyRootfs).toBe(true);
    expect(host.Tmpfs).toEqual({ '/tmp': 'rw,noexec,nosuid,size=64m' });
    expect(host.Memory).toBeUndefined();
    expect(host.Privileged).toBeUndefined();
    expect(host.NetworkMode).toBeUndefined();
  });

  it('tier 2 keeps the binds and is capped', () => {
    expect(applyTier(base(), 2, LIMITS)).toEqual({
      ...base(),
      Memory: 512 * 1024 * 1024,
      NanoCpus: 1_000_000_000,
    });
  });

  it('tier 3 is privileged in the host PID namespace, still on its network, capped', () => {
    expect(applyTier(base(), 3, LIMITS)).toEqual({
      ...base(),
      Memory: 2048 * 1024 * 1024,
      NanoCpus: 2_000_000_000,
      Privileged: true,
      PidMode: 'host',
    });
  });

  it('tier 4 adds host networking and the Docker socket as the last bind', () => {
    const host = applyTier(base(), 4, LIMITS);
    expect(host).toMatchObject({
      Privileged: true,
      PidMode: 'host',
      NetworkMode: 'host',
      Memory: 4096 * 1024 * 1024,
      NanoCpus: 4_000_000_000,
    });
    expect(host.Binds).toEqual([...BINDS, '/var/run/docker.sock:/var/run/docker.sock']);
  });

  it.each([0, 99, -1, 2.5])('tier %p behaves as tier 2', (tier) => {
    expect(effectiveTier(tier)).toBe(2);
    expect(applyTier(base(), tier, LIMITS)).toEqual(applyTier(base(), 2, LIMITS));
  });

  it('takes the caps from the configured limits', () => {
    const limits = { ...LIMITS, 3: { memoryMb: 8192, cpuShares: 4096 } };
    expect(applyTier(base(), 3, limits)).toMatchObject({
      Memory: 8192 * 1024 * 1024,
      NanoCpus: 4_000_000_000,
      Privileged: true,
    });
  });

  it.each([
    [1, false, false, false, true],
    [2, false, false, false, false],
    [3, true, false, true, false],
    [4, true, true, true, false],
  ])(
    'tier %p: privileged %p, host network %p, host PID %p, read-only %p',
    (tier, priv, net, pid, ro) => {
      const host = applyTier(base(), tier, LIMITS);
      expect(host.Privileged === true).toBe(priv);
      expect(host.NetworkMode === 'host').toBe(net);
      expect(host.PidMode === 'host').toBe(pid);
      expect(host.ReadonlyRootfs === true).toBe(ro);
    },
  );
});

describe('container networking', () => {
  it('on a bridge network publishes 8000/tcp on 127.0.0.1 and aliases the container name', () => {
    const n = containerNetworking(base(), 'molecule-monorepo-net', 'ws-abc');
    expect(n.hostNetwork).toBe(false);
    expect(n.hostConfig.NetworkMode).toBe('molecule-monorepo-net');
    expect(n.hostConfig.PortBindings).toEqual({
      '8000/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
    });
    expect(n.exposedPorts).toEqual({ '8000/tcp': {} });
    expect(n.endpoints).toEqual({ 'molecule-monorepo-net': { Aliases: ['ws-abc'] } });
  });

  it('on the host network (chosen, or forced by tier 4) publishes nothing', () => {
    for (const n of [
      containerNetworking(base(), 'host', 'ws-abc'),
      containerNetworking(applyTier(base(), 4, LIMITS), 'molecule-monorepo-net', 'ws-abc'),
    ]) {
      expect(n.hostNetwork).toBe(true);
      expect(n.hostConfig.NetworkMode).toBe('host');
      expect(n.hostConfig.PortBindings).toBeUndefined();
      expect(n.endpoints).toBeUndefined();
    }
  });
});
