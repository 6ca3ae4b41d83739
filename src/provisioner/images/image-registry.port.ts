/**
 * The registry as the digest watcher sees it: the digest `workspace-template-<runtime>:latest`
 * points at right now. Rejects when the registry cannot say (unreachable, refused, or no
 * such image); the error text is for logs only.
 */
export abstract class ImageRegistry {
  abstract latestDigest(runtime: string): Promise<string>;
}
