/**
 * One app instance in its own process (forked by app-handle.mjs), the way a replica runs in
 * production. A separate process keeps the load generator's CPU and memory out of the app's
 * numbers; the parent asks this process over IPC for its own CPU time, allocations and memory.
 */
import { createRequire } from 'node:module';
import process from 'node:process';
import { Probe } from './probe.mjs';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { loadConfig } = require('../dist/src/config/load-config.js');
const { createApp } = require('../dist/src/app.factory.js');

// The parent is gone (crash, kill): a replica nobody can stop must not outlive it.
process.on('disconnect', () => process.exit(1));

let app;
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
    await app.close();
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

try {
  const { config } = loadConfig(process.env);
  app = await createApp(config);
  await app.listen(process.env.PORT ? config.port : 0, '127.0.0.1');
  process.send({ type: 'ready', port: app.getHttpServer().address().port });
} catch (err) {
  process.send({ type: 'failed', error: String(err?.stack ?? err) });
  process.exitCode = 1;
  process.disconnect();
}
