import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import pg from 'pg';

const require = createRequire(import.meta.url);
const { EVENTS_CHANNEL } = require('../dist/src/events/pg-event-relay.js');

/**
 * A LISTEN on the replicas' event channel from outside the apps. It sees each NOTIFY when
 * PostgreSQL hands it to listeners, which splits a cross-replica delay in two: the sending
 * replica (heartbeat → NOTIFY) and the receiving one (NOTIFY → WebSocket frame).
 */
export async function tapNotifies(scope, databaseUrl, onEnvelope) {
  const client = new pg.Client({ connectionString: databaseUrl });
  scope.defer('NOTIFY tap', () => client.end());
  await client.connect();
  client.on('notification', ({ payload = '' }) => {
    const receivedAt = performance.now();
    // `<origin>|<envelope JSON>`, or `<origin>|#<id>` for a spilled one (never a heartbeat).
    const body = payload.slice(payload.indexOf('|') + 1);
    if (!body.startsWith('#')) onEnvelope(JSON.parse(body), receivedAt);
  });
  await client.query(`LISTEN ${EVENTS_CHANNEL}`);
}
