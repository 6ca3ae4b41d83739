/**
 * The port every feature module emits events through (spec 02 §13.2).
 *
 * - `recordAndBroadcast` appends the event to `structure_events` (the history behind
 *   `GET /events`) and delivers it live to every replica's WebSocket and SSE subscribers.
 *   A failed insert is logged and does not suppress the live delivery.
 * - `broadcastOnly` delivers live without a row (heartbeats, activity, agent messages).
 *
 * Await `recordAndBroadcast` when order matters: delivery happens after the insert attempt.
 */
export abstract class EventEmitter {
  abstract recordAndBroadcast(
    type: string,
    workspaceId: string,
    payload?: Record<string, unknown>,
  ): Promise<void>;
  abstract broadcastOnly(
    type: string,
    workspaceId: string,
    payload?: Record<string, unknown>,
  ): void;
}
