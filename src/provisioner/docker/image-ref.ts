/** Runtimes without an image of their own run the default (langgraph) image (spec 04 §1). */
const RUNTIMES_WITH_IMAGE = new Set([
  'langgraph',
  'claude-code',
  'openclaw',
  'deepagents',
  'crewai',
  'autogen',
  'hermes',
  'gemini-cli',
]);
const DEFAULT_RUNTIME = 'langgraph';

/** `<registry>/workspace-template-<runtime>:latest`. */
export function workspaceImage(registry: string, runtime: string): string {
  const name = RUNTIMES_WITH_IMAGE.has(runtime) ? runtime : DEFAULT_RUNTIME;
  return `${registry}/workspace-template-${name}:latest`;
}

/** Every workspace image of this registry, as a `reference` filter for image lists. */
export function workspaceImagePattern(registry: string): string {
  return `${registry}/workspace-template-*`;
}

/**
 * The runtime an image reference stands for, for the pull hint (spec 04 §2.9):
 * `workspace-template:<rt>` → `<rt>`; `…workspace-template-<rt>:tag` → `<rt>`; else the tag
 * after the last `:` when there is one; else the reference itself.
 */
export function runtimeTagFromImage(image: string): string {
  const legacy = 'workspace-template:';
  const legacyAt = image.indexOf(legacy);
  if (legacyAt !== -1) return image.slice(legacyAt + legacy.length);
  const marker = 'workspace-template-';
  const at = image.indexOf(marker);
  if (at !== -1) return image.slice(at + marker.length).split(':')[0];
  const colon = image.lastIndexOf(':');
  if (colon !== -1 && colon < image.length - 1) return image.slice(colon + 1);
  return image;
}
