/** What a backend needs to start a workspace's compute. */
export interface WorkspaceStartSpec {
  readonly workspaceId: string;
  readonly name: string;
  readonly tier: number;
  readonly runtime: string;
  /** Decrypted secrets and built-in variables, injected into the workspace. */
  readonly env: Readonly<Record<string, string>>;
  /** Template directory copied into `/configs`, when one applies. */
  readonly templatePath?: string;
  /** Files written into `/configs` (e.g. `config.yaml`, `.auth_token`). */
  readonly configFiles?: Readonly<Record<string, string>>;
}

/**
 * Local compute (Docker): one container per workspace. The adapter arrives with the
 * provisioner issue; until then no instance is wired (see `ComputeBackends`).
 */
export abstract class Provisioner {
  /** Starts the workspace and returns the URL the platform reaches it on. */
  abstract start(spec: WorkspaceStartSpec): Promise<string>;
  abstract stop(workspaceId: string): Promise<void>;
  /** `true` on inspection errors: transient trouble must never look like a dead container. */
  abstract isRunning(workspaceId: string): Promise<boolean>;
  abstract removeVolume(workspaceId: string): Promise<void>;
  abstract listManagedContainerIdPrefixes(): Promise<string[]>;
}

/** Remote compute through the control plane (SaaS): one VM per workspace. */
export abstract class CPProvisioner {
  /** Returns the control plane's instance id. */
  abstract start(spec: WorkspaceStartSpec): Promise<string>;
  abstract stop(workspaceId: string): Promise<void>;
  abstract getConsoleOutput(workspaceId: string): Promise<string>;
}
