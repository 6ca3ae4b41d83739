/**
 * Names and labels of the Docker objects that belong to a workspace (spec 04 §1). Container
 * and volume names use the first 12 characters of the id; the `/workspace` volume uses the
 * whole id, as the reference does.
 */

export const CONTAINER_PREFIX = 'ws-';

const id12 = (workspaceId: string) => workspaceId.slice(0, 12);

export const containerName = (workspaceId: string) => `${CONTAINER_PREFIX}${id12(workspaceId)}`;
export const configVolumeName = (workspaceId: string) => `${containerName(workspaceId)}-configs`;
export const sessionVolumeName = (workspaceId: string) =>
  `${containerName(workspaceId)}-claude-sessions`;
export const workspaceVolumeName = (workspaceId: string) =>
  `${CONTAINER_PREFIX}${workspaceId}-workspace`;

/** The address other containers on the bridge network reach the agent at. */
export const internalUrl = (workspaceId: string) => `http://${containerName(workspaceId)}:8000`;

/** Stamped on every container and volume the platform creates: "certainly ours". */
export const MANAGED_LABEL = 'molecule.platform.managed';
/** Optional: which platform (or test run) on a shared engine owns the object. */
export const SCOPE_LABEL = 'molecule.platform.scope';
/** The full workspace id (names only carry 12 characters of it). */
export const WORKSPACE_LABEL = 'molecule.workspace.id';
/** On the config volume: the image a never-started helper container can use to reach it. */
export const IMAGE_LABEL = 'molecule.platform.image';
/** On helper containers that only exist to reach a volume through the archive API. */
export const ROLE_LABEL = 'molecule.platform.role';

/** The labels every object of this platform carries (with the scope when one is set). */
export function platformLabels(scope: string): Record<string, string> {
  return scope ? { [MANAGED_LABEL]: 'true', [SCOPE_LABEL]: scope } : { [MANAGED_LABEL]: 'true' };
}

/** Label filters that select exactly this platform's objects (for list calls). */
export function platformLabelFilters(scope: string): string[] {
  return Object.entries(platformLabels(scope)).map(([k, v]) => `${k}=${v}`);
}

/**
 * The id prefix a container stands for: the first of its names that really starts with
 * `ws-` (Docker's name filter matches substrings), without the prefix; `undefined` if none.
 */
export function idPrefixOf(names: readonly string[] | undefined): string | undefined {
  const name = (names ?? [])
    .map((raw) => raw.replace(/^\//, ''))
    .find((n) => n.startsWith(CONTAINER_PREFIX));
  const prefix = name?.slice(CONTAINER_PREFIX.length);
  return prefix || undefined;
}
