import { AGENT_CARD_PATH } from '@a2a-js/sdk';
import { DefaultRequestHandler, InMemoryTaskStore } from '@a2a-js/sdk/server';
import { UserBuilder, agentCardHandler, jsonRpcHandler } from '@a2a-js/sdk/server/express';
import type { Express } from 'express';
import { agentCard } from './agent-card';
import type { SdkAgentOptions } from './agent-options';
import { busyGate } from './busy-gate';
import type { Gate } from './gate';
import { ScriptedExecutor } from './scripted-executor';
import { tapSseFrames } from './sse-tap';
import { graftUsage } from './usage-graft';

export interface SdkAgentControls {
  readonly gate: Gate;
  readonly closed: AbortSignal;
  /** Called with the v0.3 `result.kind` of each SSE event once it is flushed to its socket. */
  readonly onEventSent: (kind: string | undefined) => void;
}

/** Mounts the official SDK's v0.3 JSON-RPC endpoint at `/` and its agent card at the well-known path. */
export function mountSdkAgent(
  app: Express,
  url: string,
  options: SdkAgentOptions,
  controls: SdkAgentControls,
): void {
  const executor = new ScriptedExecutor(options, controls.gate, controls.closed);
  const requestHandler = new DefaultRequestHandler(
    agentCard(url),
    new InMemoryTaskStore(),
    executor,
  );
  const legacyCompat = { enabled: true };

  app.use(
    `/${AGENT_CARD_PATH}`,
    agentCardHandler({ agentCardProvider: requestHandler, legacyCompat }),
  );
  if (options.mode !== 'dieMidStream' && options.busy) {
    app.use(busyGate(options.busy, controls.gate, controls.closed));
  }
  if ((options.mode === undefined || options.mode === 'reply') && options.usage) {
    app.use(graftUsage(options.usage));
  }
  app.use(
    tapSseFrames({
      onFrameSent: (kind) => controls.onEventSent(kind),
      destroyAfterFrames:
        options.mode === 'dieMidStream' ? (options.eventsBeforeDeath ?? 2) : undefined,
    }),
  );
  app.use(
    jsonRpcHandler({ requestHandler, userBuilder: UserBuilder.noAuthentication, legacyCompat }),
  );
}
