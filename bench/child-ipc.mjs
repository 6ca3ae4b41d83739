/**
 * The parent's side channel into a server process it forked (an app instance, the floor
 * server): CPU / allocation probes, memory, and a graceful close, over Node's IPC. Both kinds of
 * process answer the same messages, so the bench measures them with the same code.
 */
import process from 'node:process';
import { Probe } from './probe.mjs';

/** Answers the parent's requests; `close` is the process's own graceful shutdown. */
export function serveParentRequests({ close }) {
  // The parent is gone (crash, kill): a server nobody can stop must not outlive it.
  process.on('disconnect', () => process.exit(1));
  let probe;
  const handlers = {
    'probe-start': ({ sampleEveryMs }) => {
      probe = new Probe({ sampleEveryMs });
      return {};
    },
    'probe-stop': () => {
      const result = probe.stop();
      probe = undefined;
      return result;
    },
    memory: ({ collect }) => {
      if (collect) globalThis.gc();
      return { memory: process.memoryUsage() };
    },
    close: async () => {
      await close();
      return {};
    },
  };
  process.on('message', async (msg) => {
    let reply;
    try {
      reply = { id: msg.id, ok: true, ...(await handlers[msg.type](msg)) };
    } catch (err) {
      reply = { id: msg.id, ok: false, error: String(err?.stack ?? err) };
    }
    // After `close` nothing is left to serve; exit even if a stray handle would linger.
    process.send(reply, () => msg.type === 'close' && process.exit(0));
  });
}

/** Tells the parent the server listens (on `port`), or why it could not start. */
export const announceReady = (port) => process.send({ type: 'ready', port });

export function announceFailure(err) {
  process.send({ type: 'failed', error: String(err?.stack ?? err) });
  process.exitCode = 1;
  process.disconnect();
}
