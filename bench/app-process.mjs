/**
 * One app instance in its own process (forked by app-handle.mjs), the way a replica runs in
 * production. A separate process keeps the load generator's CPU and memory out of the app's
 * numbers; the parent asks this process over IPC for its own CPU time, allocations and memory.
 */
import { createRequire } from 'node:module';
import process from 'node:process';
import { announceFailure, announceReady, serveParentRequests } from './child-ipc.mjs';

const require = createRequire(import.meta.url);
require('reflect-metadata');
const { loadConfig } = require('../dist/src/config/load-config.js');
const { createApp } = require('../dist/src/app.factory.js');

let app;
serveParentRequests({ close: () => app.close() });

try {
  const { config } = loadConfig(process.env);
  app = await createApp(config);
  await app.listen(process.env.PORT ? config.port : 0, '127.0.0.1');
  announceReady(app.getHttpServer().address().port);
} catch (err) {
  announceFailure(err);
}
