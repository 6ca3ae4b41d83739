import type { AgentCard } from '@a2a-js/sdk';

/**
 * A v1.0 card declaring one v0.3 JSON-RPC interface at `url`. The SDK serves v0.3 callers (no
 * `A2A-Version` header) only when the card lists a `0.3` JSONRPC interface.
 */
export function agentCard(url: string, name = 'test-agent'): AgentCard {
  return {
    name,
    description: 'Loopback A2A agent for platform tests',
    version: '1.0.0',
    supportedInterfaces: [{ url, protocolBinding: 'JSONRPC', protocolVersion: '0.3', tenant: '' }],
    provider: undefined,
    capabilities: { streaming: true, pushNotifications: false, extensions: [] },
    securitySchemes: {},
    securityRequirements: [],
    defaultInputModes: ['text/plain'],
    defaultOutputModes: ['text/plain'],
    skills: [],
    signatures: [],
  };
}
