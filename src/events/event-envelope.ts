/**
 * The wire envelope of every event, identical on WebSocket frames and inside the server:
 * `{"event", "workspace_id", "timestamp", "payload"}`.
 */
export interface EventEnvelope {
  readonly event: string;
  readonly workspace_id: string;
  /** Emission time, UTC RFC 3339. */
  readonly timestamp: string;
  readonly payload: Record<string, unknown>;
}

/** An envelope plus its JSON text, serialised once and shared by every subscriber. */
export interface BusEvent {
  readonly envelope: EventEnvelope;
  readonly json: string;
  /** When it was emitted (epoch ms; another replica's clock when relayed), for fan-out latency. */
  readonly emittedAt: number;
  /** Emitted on another replica and relayed through PostgreSQL. */
  readonly relayed: boolean;
}

export function busEvent(envelope: EventEnvelope): BusEvent {
  return { envelope, json: JSON.stringify(envelope), emittedAt: Date.now(), relayed: false };
}

/** An event another replica emitted, as its NOTIFY carried it. */
export function relayedEvent(json: string): BusEvent {
  const envelope = JSON.parse(json) as EventEnvelope;
  return { envelope, json, emittedAt: Date.parse(envelope.timestamp), relayed: true };
}

export function buildEnvelope(
  type: string,
  workspaceId: string,
  payload: Record<string, unknown> | undefined,
  now: Date,
): EventEnvelope {
  return {
    event: type,
    workspace_id: workspaceId,
    timestamp: now.toISOString(),
    payload: payload ?? {},
  };
}
