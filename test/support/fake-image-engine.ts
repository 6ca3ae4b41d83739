import {
  ImageEngine,
  PullOptions,
  PullProgress,
  WorkspaceContainer,
} from '../../src/provisioner/images/image-engine.port';
import { ImageRegistry } from '../../src/provisioner/images/image-registry.port';

/** What the fake engine streams for every pull, like the engine's own messages. */
export const FAKE_PULL_PROGRESS: readonly PullProgress[] = [
  { status: 'Pulling from molecule-ai/workspace-template', id: 'latest' },
  { status: 'Downloading', id: 'aaaaaaaaaaaa', progress: '[=====>    ] 5MB/10MB' },
  { status: 'Pull complete', id: 'aaaaaaaaaaaa' },
  { status: 'Status: Downloaded newer image' },
];

/**
 * An in-memory engine for the image refresh: pulls are recorded (with their auth), images
 * listed in `missing` fail as a registry without them would, and containers are plain entries.
 */
export class FakeImageEngine extends ImageEngine {
  readonly pulls: { image: string; registryAuth?: string }[] = [];
  readonly removed: string[] = [];
  containers: WorkspaceContainer[] = [];
  readonly missing = new Set<string>();
  /** Set to make the container listing fail with an engine-like message. */
  listFails = false;

  async pull(
    image: string,
    options: PullOptions,
    onProgress: (progress: PullProgress) => void,
  ): Promise<void> {
    this.pulls.push({ image, registryAuth: options.registryAuth });
    if (this.missing.has(image))
      throw new Error(`manifest for ${image} not found: manifest unknown`);
    for (const progress of FAKE_PULL_PROGRESS) onProgress(progress);
  }

  async listWorkspaceContainers(): Promise<WorkspaceContainer[]> {
    if (this.listFails)
      throw new Error('Cannot connect to the Docker daemon at unix:///var/run/docker.sock');
    return [...this.containers];
  }

  async removeContainer(id: string): Promise<void> {
    this.removed.push(id);
    this.containers = this.containers.filter((c) => c.id !== id);
  }

  reset(): void {
    this.pulls.length = 0;
    this.removed.length = 0;
    this.containers = [];
    this.missing.clear();
    this.listFails = false;
  }
}

/** A registry double: the digest of each runtime's `latest`, and lookups that fail. */
export class FakeImageRegistry extends ImageRegistry {
  readonly digests = new Map<string, string>();
  readonly lookups: string[] = [];
  /** Runs at the start of every lookup (await it to hold a lookup). */
  onLookup: (runtime: string) => Promise<void> | void = () => undefined;

  async latestDigest(runtime: string): Promise<string> {
    this.lookups.push(runtime);
    await this.onLookup(runtime);
    const digest = this.digests.get(runtime);
    if (!digest) throw new Error(`HEAD …/workspace-template-${runtime}/manifests/latest → 404`);
    return digest;
  }
}
