import { Injectable } from '@nestjs/common';

interface Overrides {
  idleTimeoutMs: number;
  capabilities: ReadonlyMap<string, boolean>;
}

const NO_CAPABILITIES: ReadonlyMap<string, boolean> = new Map();

/**
 * What each workspace's adapter declared about itself in its last periodic heartbeat: an
 * A2A idle-timeout override and capability flags (spec 02 §3.4). Per replica and in memory,
 * as in the reference; empty after a restart until the next heartbeat. Other modules ask it
 * (`hasCapability`, `idleTimeoutMs`) — the A2A proxy, the scheduler, status evaluation.
 */
@Injectable()
export class RuntimeOverrides {
  private readonly entries = new Map<string, Overrides>();

  /**
   * Applies a heartbeat's `runtime_metadata`. A heartbeat without it (the runtime's
   * task-push heartbeats) leaves the declarations as they were.
   */
  applyHeartbeat(
    workspaceId: string,
    metadata: { capabilities?: Record<string, boolean>; idle_timeout_seconds?: number } | undefined,
  ): void {
    if (!metadata) return;
    this.setIdleTimeout(workspaceId, (metadata.idle_timeout_seconds ?? 0) * 1000);
    this.setCapabilities(workspaceId, metadata.capabilities);
  }

  /** `ms <= 0` clears the override; capabilities are untouched. */
  setIdleTimeout(workspaceId: string, ms: number): void {
    if (workspaceId === '') return;
    this.update(workspaceId, (e) => ({ ...e, idleTimeoutMs: ms > 0 ? ms : 0 }));
  }

  /** Replaces (never merges) the flags with a copy; an empty or absent map clears them. */
  setCapabilities(workspaceId: string, capabilities: Record<string, boolean> | undefined): void {
    if (workspaceId === '') return;
    const copy = new Map(Object.entries(capabilities ?? {}));
    this.update(workspaceId, (e) => ({ ...e, capabilities: copy }));
  }

  /** The override in ms, or `undefined` when none is declared. */
  idleTimeoutMs(workspaceId: string): number | undefined {
    const ms = this.entries.get(workspaceId)?.idleTimeoutMs ?? 0;
    return ms > 0 ? ms : undefined;
  }

  /** Only an explicit `true` counts. */
  hasCapability(workspaceId: string, name: string): boolean {
    if (workspaceId === '' || name === '') return false;
    return this.entries.get(workspaceId)?.capabilities.get(name) === true;
  }

  reset(): void {
    this.entries.clear();
  }

  private update(workspaceId: string, change: (entry: Overrides) => Overrides): void {
    const next = change(
      this.entries.get(workspaceId) ?? { idleTimeoutMs: 0, capabilities: NO_CAPABILITIES },
    );
    // An entry with nothing declared is dropped rather than kept as an empty husk.
    if (next.idleTimeoutMs <= 0 && next.capabilities.size === 0) this.entries.delete(workspaceId);
    else this.entries.set(workspaceId, next);
  }
}
