import type { RequestHandler } from 'express';
import type { BusySignal } from './agent-options';
import type { Gate } from './gate';

/** While `gate` is closed, holds, drops or resets each request; shutdown (`closed`) abandons held ones. */
export function busyGate(signal: BusySignal, gate: Gate, closed: AbortSignal): RequestHandler {
  return async (req, _res, next) => {
    if (gate.open) return next();
    if (signal === 'drop') return void req.socket.destroy();
    if (signal === 'reset') return void req.socket.resetAndDestroy();
    await gate.wait();
    if (!closed.aborted) next();
  };
}
