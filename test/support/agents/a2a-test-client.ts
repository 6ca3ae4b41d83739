import {
  Role,
  type SendMessageRequest,
  type SendMessageResult,
  type StreamResponse,
} from '@a2a-js/sdk';
import { Client } from '@a2a-js/sdk/client';
import { LegacyJsonRpcTransport } from '@a2a-js/sdk/compat/v0_3/client';
import { message } from './a2a-parts';
import { agentCard } from './agent-card';

/** The official SDK client speaking v0.3 JSON-RPC to one endpoint, with extra headers on every call. */
export interface A2aTestClient {
  /** The SDK client itself, for calls the conveniences do not cover (`getTask`, `cancelTask`, …). */
  readonly sdk: Client;
  /** `message/send` with one user text part; resolves to the agent's Message (or Task). */
  sendMessage(text: string): Promise<SendMessageResult>;
  /** `message/stream`; yields each SSE event as it arrives. */
  streamMessage(text: string): AsyncGenerator<StreamResponse, void, undefined>;
}

/**
 * Builds the client straight from `endpointUrl` rather than from a fetched card: the platform's
 * `/workspaces/:id/a2a` proxy serves no agent card. `headers` (e.g. `X-Workspace-ID`,
 * `Authorization`) go out with every request, next to the SDK's own `A2A-Version: 0.3`.
 */
export function a2aClientFor(
  endpointUrl: string,
  headers: Record<string, string> = {},
): A2aTestClient {
  const transport = new LegacyJsonRpcTransport({ endpoint: endpointUrl });
  const sdk = new Client(transport, agentCard(endpointUrl, 'A2A endpoint under test'));
  const callOptions = { serviceParameters: headers };
  return {
    sdk,
    sendMessage: (text) => sdk.sendMessage(userRequest(text), callOptions),
    streamMessage: (text) => sdk.sendMessageStream(userRequest(text), callOptions),
  };
}

function userRequest(text: string): SendMessageRequest {
  return {
    tenant: '',
    message: message(Role.ROLE_USER, text),
    configuration: undefined,
    metadata: undefined,
  };
}
