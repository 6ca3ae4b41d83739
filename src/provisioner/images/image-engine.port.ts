/** One progress message of an image pull, as the engine streams it. */
export interface PullProgress {
  readonly status: string;
  /** The layer (or tag) the message is about. */
  readonly id?: string;
  /** The engine's progress bar text, when it sends one. */
  readonly progress?: string;
}

export interface PullOptions {
  /** `X-Registry-Auth` for private images (see `RegistryCredentials.engineAuth`). */
  readonly registryAuth?: string;
  /** Aborts the pull (the refresh's shared time budget). */
  readonly signal?: AbortSignal;
}

/** A workspace container (`ws-*`, running or not) and the image reference it was created from. */
export interface WorkspaceContainer {
  readonly id: string;
  /** Without the leading `/`. */
  readonly name: string;
  /** `Config.Image`: the reference as given at create time, not the resolved digest. */
  readonly image: string;
}

/**
 * The local engine's image operations the image refresh needs. Errors carry engine text:
 * callers log it and never publish it.
 */
export abstract class ImageEngine {
  /** Pulls `image` to the end of the engine's stream; a stream error rejects. */
  abstract pull(
    image: string,
    options: PullOptions,
    onProgress: (progress: PullProgress) => void,
  ): Promise<void>;
  /** Every `ws-*` container with its configured image; one that cannot be inspected is left out. */
  abstract listWorkspaceContainers(): Promise<WorkspaceContainer[]>;
  /** Force-removes a container (running or not). */
  abstract removeContainer(id: string): Promise<void>;
}
