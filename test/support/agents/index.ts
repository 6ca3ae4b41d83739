export type {
  BusySignal,
  DieMidStreamOptions,
  HeadersThenDieOptions,
  InvalidJsonOptions,
  NeverAnswerOptions,
  ReplyOptions,
  StatusOptions,
  StreamOptions,
  TestAgentOptions,
  TokenUsage,
  ToolTraceEntry,
} from './agent-options';
export { textOf } from './a2a-parts';
// Runtime SDK values go through here so the jose shim is always loaded first.
export { Role, TaskState } from '@a2a-js/sdk';
export { a2aClientFor, type A2aTestClient } from './a2a-test-client';
export type { RecordedRequest } from './request-log';
export { INVALID_JSON_BODY } from './raw-responder';
export { startTestAgent, type TestAgent } from './start-test-agent';
export { useTestAgents } from './use-test-agents';
