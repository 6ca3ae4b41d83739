import type { TestAgentOptions } from './agent-options';
import { startTestAgent, type TestAgent } from './start-test-agent';

/** Jest lifecycle wrapper: agents started in a test are closed after it, even when it fails. */
export function useTestAgents(): { start(options?: TestAgentOptions): Promise<TestAgent> } {
  const running: TestAgent[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((agent) => agent.close()));
  });
  return {
    start: async (options) => {
      const agent = await startTestAgent(options);
      running.push(agent);
      return agent;
    },
  };
}
