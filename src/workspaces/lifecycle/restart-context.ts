import { randomUUID } from 'node:crypto';

/** What the agent is told after a restart, captured before its provision (spec 04 §5.4). */
export interface RestartSnapshot {
  readonly restartAt: Date;
  /** The last heartbeat of the session that just ended; null when there never was one. */
  readonly previousSessionEndedAt: Date | null;
  /** Names of the global and workspace secrets it now has, sorted; never values. */
  readonly envKeys: readonly string[];
}

/** The caller id the message comes from (trusted: no hierarchy or token checks). */
export const RESTART_CONTEXT_CALLER = 'system:restart-context';

/** The five-line text, each line ending in `\n`. */
export function restartContextText(snapshot: RestartSnapshot): string {
  const previous = snapshot.previousSessionEndedAt;
  const previousLine = previous
    ? `Previous session ended: ${rfc3339(previous)} (${humanDuration(
        snapshot.restartAt.getTime() - previous.getTime(),
      )} ago)`
    : 'Previous session ended: (no prior session on record)';
  const keys = snapshot.envKeys.length > 0 ? snapshot.envKeys.join(', ') : '(none)';
  return [
    '=== WORKSPACE RESTART CONTEXT ===',
    `Restart at: ${rfc3339(snapshot.restartAt)}`,
    previousLine,
    `Env vars now available: ${keys}`,
    '=== END RESTART CONTEXT ===',
  ]
    .map((line) => `${line}\n`)
    .join('');
}

/** The JSON-RPC `message/send` request carrying the text. */
export function restartContextRequest(snapshot: RestartSnapshot): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id: randomUUID(),
    method: 'message/send',
    params: {
      message: {
        messageId: randomUUID(),
        role: 'user',
        parts: [{ kind: 'text', text: restartContextText(snapshot) }],
        metadata: { source: 'platform', kind: 'restart_context', layer: 1, restart_context: true },
      },
    },
  };
}

/** Go's `Duration.Round(time.Second)` in the reference's short forms: `45s`, `3m0s`, `2h14m`. */
export function humanDuration(ms: number): string {
  const total = Math.round(ms / 1000);
  if (total <= 0) return '0s';
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  if (hours > 0) return `${hours}h${minutes}m`;
  if (minutes > 0) return `${minutes}m${seconds}s`;
  return `${seconds}s`;
}

/** RFC 3339 in UTC with whole seconds, as Go's `time.RFC3339` prints it. */
function rfc3339(at: Date): string {
  return at.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
