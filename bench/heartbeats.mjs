import { send } from './load.mjs';

/** What a runtime declares about its adapter; sent on every other beat, as the runtime does. */
const RUNTIME_METADATA = {
  capabilities: {
    heartbeat: true,
    scheduler: true,
    session: false,
    status_mgmt: false,
    retry: true,
    activity_decoration: false,
    channel_dispatch: false,
  },
  idle_timeout_seconds: 300,
};

/**
 * Builds and sends realistic heartbeats for a fleet of workspaces, round-robin. Every beat
 * gets a unique sequence number, carried as `uptime_seconds` (positive, so it is a full
 * heartbeat) — and echoed in the WORKSPACE_HEARTBEAT event, which is how the fan-out
 * benchmark matches a received frame to the moment its heartbeat was sent.
 */
export class HeartbeatSender {
  #seq;

  constructor(fleet, firstSeq = 1) {
    this.fleet = fleet;
    this.#seq = firstSeq - 1;
  }

  /** Sends the next heartbeat through `pool`; `onSend(seq)` runs just before it leaves. */
  async send(pool, onSend) {
    const seq = ++this.#seq;
    const index = seq % this.fleet.length;
    const workspace = this.fleet[index];
    const body = JSON.stringify(heartbeatBody(workspace.id, index, seq));
    onSend?.(seq);
    await send(pool, {
      method: 'POST',
      path: '/registry/heartbeat',
      body,
      headers: { authorization: `Bearer ${workspace.token}` },
    });
    return seq;
  }
}

/** A quarter of the fleet is busy with a long task; the task does not change between beats. */
export const BUSY_TASK = 'Summarise the open pull requests of the week';
export const isBusy = (index) => index % 4 === 0;

function heartbeatBody(workspaceId, index, seq) {
  const busy = isBusy(index);
  return {
    workspace_id: workspaceId,
    error_rate: 0,
    sample_error: '',
    active_tasks: busy ? 1 : 0,
    uptime_seconds: seq,
    current_task: busy ? BUSY_TASK : '',
    monthly_spend: 0,
    runtime_state: '',
    ...(seq % 2 === 0 ? { runtime_metadata: RUNTIME_METADATA } : {}),
  };
}
