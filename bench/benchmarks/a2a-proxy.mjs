import { httpPool, runLoad, send } from '../load.mjs';
import { alternate, Arm, measuredBurst } from '../measure.mjs';
import { CLIENT_SIDE, compare } from '../stats.mjs';

/**
 * 2. A2A proxy overhead: the same `message/send` calls, at the same concurrency and count,
 * straight to the agent and through `POST /workspaces/:id/a2a` (as the canvas calls it), in
 * alternating rounds. The agent's own cost is in both arms, so proxy / direct is what the
 * proxy adds: target lookup, URL guard, forwarding, activity row, A2A_RESPONSE event.
 */
export async function a2aProxyBench({ scope, app, agent, workspace, settings }) {
  const { concurrency, requestsPerRound, rounds } = settings;
  const agentPool = httpPool(scope, agent.directOrigin, concurrency);
  const appPool = httpPool(scope, app.baseUrl, concurrency);
  let nextId = 0;
  const call = (pool, path) => () =>
    send(pool, { method: 'POST', path, body: messageSend(++nextId) });
  const callDirect = call(agentPool, '/');
  const callProxy = call(appPool, `/workspaces/${workspace.id}/a2a`);

  const load = (request) => ({ concurrency, total: requestsPerRound, request });
  // Warm-up: JIT, keep-alive connections on both hops, prepared statements.
  await runLoad(load(callDirect));
  await runLoad(load(callProxy));

  const arms = { direct: new Arm(), proxy: new Arm() };
  await alternate(rounds, {
    direct: measuredBurst(app, arms.direct, load(callDirect)),
    proxy: measuredBurst(app, arms.proxy, load(callProxy)),
  });
  // One call at a time: what the proxy adds to a single call's latency, queueing aside.
  const serial = { direct: new Arm(), proxy: new Arm() };
  const oneAtATime = (request) => ({ concurrency: 1, total: settings.serialPerRound, request });
  await alternate(rounds, {
    direct: measuredBurst(app, serial.direct, oneAtATime(callDirect)),
    proxy: measuredBurst(app, serial.proxy, oneAtATime(callProxy)),
  });

  const direct = arms.direct.summary();
  const proxy = arms.proxy.summary();
  const serialDirect = serial.direct.summary();
  const serialProxy = serial.proxy.summary();
  // The direct calls never reach the app: only client-side numbers compare.
  return {
    direct,
    proxy,
    proxyOverDirect: compare(proxy, direct, CLIENT_SIDE),
    serial: {
      direct: serialDirect,
      proxy: serialProxy,
      addedP50Ms: serialProxy.latencyMs.p50 - serialDirect.latencyMs.p50,
    },
  };
}

/** A canvas chat message, already a JSON-RPC envelope (the proxy keeps it as sent). */
function messageSend(id) {
  return JSON.stringify({
    jsonrpc: '2.0',
    id,
    method: 'message/send',
    params: {
      message: {
        role: 'user',
        messageId: `bench-message-${id}`,
        parts: [{ kind: 'text', text: 'What changed in the deploy pipeline since Monday?' }],
      },
    },
  });
}
