import type { WorkspaceStartSpec } from '../provisioner.port';

/**
 * The container environment (spec 04 §2.2): the fixed block first, then the workspace's own
 * variables, so a per-workspace value for a fixed name wins (Docker keeps the last duplicate).
 * `pinned` goes last: values the platform's own bookkeeping depends on (the A2A port on the
 * host network, where the stored URL is built from it).
 */
export function containerEnv(
  spec: WorkspaceStartSpec,
  pinned: Readonly<Record<string, string>> = {},
): string[] {
  const env = [
    `WORKSPACE_ID=${spec.workspaceId}`,
    'WORKSPACE_CONFIG_PATH=/configs',
    `PLATFORM_URL=${spec.platformUrl}`,
    `MOLECULE_URL=${spec.platformUrl}`,
    `TIER=${spec.tier}`,
    'PLUGINS_DIR=/plugins',
    'PYTHONPATH=/app',
  ];
  const awareness = spec.awareness;
  if (awareness?.url && awareness.namespace) {
    env.push(`AWARENESS_NAMESPACE=${awareness.namespace}`, `AWARENESS_URL=${awareness.url}`);
  }
  for (const [key, value] of Object.entries(spec.env)) env.push(`${key}=${value}`);
  for (const [key, value] of Object.entries(pinned)) env.push(`${key}=${value}`);
  return env;
}

/** Go's strconv.ParseBool true values: how `WORKSPACE_RESET_SESSION` is read (spec 04 §2.3). */
export function isGoTrue(value: string | undefined): boolean {
  return value !== undefined && ['1', 't', 'T', 'true', 'TRUE', 'True'].includes(value);
}
