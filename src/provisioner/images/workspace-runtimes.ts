/**
 * The runtimes with a workspace-template image, in the order the admin refresh and the
 * digest watcher walk them (spec 04 §8).
 */
export const IMAGE_RUNTIMES: readonly string[] = [
  'claude-code',
  'langgraph',
  'crewai',
  'autogen',
  'deepagents',
  'hermes',
  'gemini-cli',
  'openclaw',
];
