import type { Readable } from 'node:stream';

export type WorkspaceAccess = 'none' | 'read_only' | 'read_write';

/** What a backend needs to start a workspace's compute (spec 04 §2.5, §3.3). */
export interface WorkspaceStartSpec {
  readonly workspaceId: string;
  readonly name: string;
  readonly tier: number;
  readonly runtime: string;
  /** The URL the runtime registers and heartbeats against (`PLATFORM_URL`). */
  readonly platformUrl: string;
  /** Decrypted secrets and built-in variables (spec 04 §4.3), after the fixed block of §2.2. */
  readonly env: Readonly<Record<string, string>>;
  /** Template directory copied into `/configs` (Docker only; spec 04 §2.7). */
  readonly templatePath?: string;
  /**
   * Files written into `/configs` after the template, before the container starts: the
   * generated `config.yaml`, `.auth_token`, `.platform_inbound_secret` (spec 04 §2.7, §4.6).
   */
  readonly configFiles?: Readonly<Record<string, string>>;
  /** Host directory for `/workspace` and its access (spec 04 §2.3); unset → named volume. */
  readonly workspaceDir?: string;
  readonly workspaceAccess?: WorkspaceAccess;
  /** Both or neither are injected (spec 04 §2.2 item 8). */
  readonly awareness?: { readonly url: string; readonly namespace: string };
  /** Restart with `reset`: the claude-code session volume is recreated (spec 04 §2.3). */
  readonly resetSession?: boolean;
}

/**
 * Local compute (Docker): one container per workspace, named `ws-<id12>`, with its config
 * volume `ws-<id12>-configs` mounted at `/configs` (spec 04 §1–§2). Every method is safe to
 * call for a workspace that has no container or volume.
 */
export abstract class Provisioner {
  /**
   * Creates and starts the workspace's container (replacing any container of that name)
   * and returns the URL the platform reaches the agent on. The error text may carry daemon
   * internals: callers log it and publish only canned messages (spec 04 §4.7).
   */
  abstract start(spec: WorkspaceStartSpec): Promise<string>;
  /** Force-removes the container; "no such container" and "removal already in progress" are done. */
  abstract stop(workspaceId: string): Promise<void>;
  /** `true` on inspection errors: transient trouble must never look like a dead container. */
  abstract isRunning(workspaceId: string): Promise<boolean>;
  /**
   * Removes the workspace's volumes: config (an error when it cannot go, e.g. still in use),
   * then the claude-code session and `/workspace` volumes (best effort).
   */
  abstract removeVolume(workspaceId: string): Promise<void>;
  /** Id prefixes of every container named `ws-*`, running or stopped (spec 04 §2.6). */
  abstract listWorkspaceContainerIdPrefixes(): Promise<string[]>;
  /** Id prefixes of every container carrying the managed label: certainly ours. */
  abstract listManagedContainerIdPrefixes(): Promise<string[]>;
  /**
   * One file under `/configs` of the workspace: from the running container, else from its
   * config volume. `undefined` when the file (or the volume) does not exist.
   */
  abstract readConfigFile(workspaceId: string, relPath: string): Promise<Buffer | undefined>;
  /**
   * Paths (relative to `/configs`) of the regular files under `/configs/<relDir>`, from the
   * running container, else from the config volume; `undefined` when that directory (or the
   * volume) does not exist. Symbolic links are not followed.
   */
  abstract listConfigFiles(workspaceId: string, relDir: string): Promise<string[] | undefined>;
  /**
   * Removes files or whole directories under `/configs` (`rm -rf` as root) in the running
   * container; without one it fails. Paths that do not exist are not an error.
   */
  abstract removeFromConfigs(workspaceId: string, relPaths: readonly string[]): Promise<void>;
  /** Whether the config volume exists and holds `relPath` (never creates the volume). */
  abstract configVolumeHasFile(workspaceId: string, relPath: string): Promise<boolean>;
  /**
   * Extracts a tar stream into `/configs`: into the running container, else into the config
   * volume (created, labelled, when missing). Used for plugin delivery and file edits. Entry
   * owners and modes are taken from the tar headers (plugins arrive as uid/gid 1000).
   */
  abstract copyToConfigs(workspaceId: string, tar: Readable): Promise<void>;
  /** Whether the engine answers right now; checked when a provision runs, not only at boot. */
  abstract ping(): Promise<boolean>;
}

/** Remote compute through the control plane (SaaS): one VM per workspace (spec 04 §3). */
export abstract class CPProvisioner {
  /** Returns the control plane's instance id (stored in `workspaces.instance_id`). */
  abstract start(spec: WorkspaceStartSpec): Promise<string>;
  /** Terminates the instance recorded for the workspace; no instance id → nothing to do. */
  abstract stop(workspaceId: string): Promise<void>;
  /** `true` on transport or decode errors, as the Docker adapter (spec 04 §3.5). */
  abstract isRunning(workspaceId: string): Promise<boolean>;
  abstract getConsoleOutput(workspaceId: string): Promise<string>;
  /** Whether the control plane answers HTTP right now (any status: it is up, if unhappy). */
  abstract ping(): Promise<boolean>;
}
