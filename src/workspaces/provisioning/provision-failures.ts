/**
 * Everything a failed provision may publish (event `error`, `last_sample_error`): canned
 * texts only. Engine and control-plane errors, key names, machine types and URLs stay in the
 * logs (spec 04 §4.7).
 */
export const ProvisionFailures = {
  noBackend: {
    sampleError:
      'Docker not available — workspace containers require a Docker daemon or external provisioning.',
    event: 'Docker not available on this platform instance',
  },
  globalSecret: 'failed to decrypt global secret',
  workspaceSecret: 'failed to decrypt workspace secret',
  dockerStart: 'workspace start failed',
  controlPlaneStart: 'provisioning failed',
} as const;

/** The empty-config-volume preflight's message (deliberately user-facing, spec 04 §4.5). */
export function emptyConfigVolumeMessage(workspaceId: string): string {
  return `cannot start workspace ${workspaceId}: no config.yaml source and config volume is empty — delete the workspace or provide a template`;
}
