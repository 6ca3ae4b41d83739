import { runtimeTagFromImage, workspaceImage } from './image-ref';

describe('workspace images', () => {
  it.each([
    ['langgraph', 'langgraph'],
    ['claude-code', 'claude-code'],
    ['openclaw', 'openclaw'],
    ['deepagents', 'deepagents'],
    ['crewai', 'crewai'],
    ['autogen', 'autogen'],
    ['hermes', 'hermes'],
    ['gemini-cli', 'gemini-cli'],
    ['codex', 'langgraph'],
    ['', 'langgraph'],
    ['../evil', 'langgraph'],
  ])('runtime %p runs workspace-template-%s', (runtime, image) => {
    expect(workspaceImage('ghcr.io/molecule-ai', runtime)).toBe(
      `ghcr.io/molecule-ai/workspace-template-${image}:latest`,
    );
  });

  it('takes the registry prefix from the configuration', () => {
    expect(workspaceImage('registry.local:5000/team', 'hermes')).toBe(
      'registry.local:5000/team/workspace-template-hermes:latest',
    );
  });

  it.each([
    ['workspace-template:claude-code', 'claude-code'],
    ['ghcr.io/molecule-ai/workspace-template-hermes:latest', 'hermes'],
    ['ghcr.io/molecule-ai/workspace-template-langgraph:sha-abc1234', 'langgraph'],
    ['ghcr.io/molecule-ai/workspace-template-gemini-cli', 'gemini-cli'],
    ['myregistry.io/foo:v1.2', 'v1.2'],
    ['no-colon-at-all', 'no-colon-at-all'],
    ['foo:', 'foo:'],
  ])('the runtime tag of %p is %p', (image, tag) => {
    expect(runtimeTagFromImage(image)).toBe(tag);
  });
});
