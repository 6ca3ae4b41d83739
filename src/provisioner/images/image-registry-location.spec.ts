import { ImageRegistryLocation } from './image-registry-location';

describe('ImageRegistryLocation', () => {
  it('reads the default prefix: ghcr.io over https, repository path molecule-ai', () => {
    const location = ImageRegistryLocation.parse('ghcr.io/molecule-ai');
    expect(location.host).toBe('ghcr.io');
    expect(location.path).toBe('molecule-ai');
    expect(location.baseUrl).toBe('https://ghcr.io');
    expect(location.repositoryFor('langgraph')).toBe('molecule-ai/workspace-template-langgraph');
    expect(location.imageFor('claude-code')).toBe(
      'ghcr.io/molecule-ai/workspace-template-claude-code:latest',
    );
  });

  it('keeps the port with the host and the whole rest as the path', () => {
    const location = ImageRegistryLocation.parse('registry.example.com:5443/org/team/');
    expect(location.host).toBe('registry.example.com:5443');
    expect(location.path).toBe('org/team');
    expect(location.baseUrl).toBe('https://registry.example.com:5443');
    expect(location.imageFor('hermes')).toBe(
      'registry.example.com:5443/org/team/workspace-template-hermes:latest',
    );
  });

  it('takes a prefix without a path as the host alone', () => {
    const location = ImageRegistryLocation.parse('registry.local');
    expect([location.host, location.path]).toEqual(['registry.local', '']);
    expect(location.repositoryFor('crewai')).toBe('workspace-template-crewai');
    expect(location.imageFor('crewai')).toBe('registry.local/workspace-template-crewai:latest');
  });

  it.each([
    ['127.0.0.1:5000/test', 'http://127.0.0.1:5000'],
    ['127.0.0.2/test', 'http://127.0.0.2'],
    ['localhost:5000/test', 'http://localhost:5000'],
    ['localhost/test', 'http://localhost'],
    ['[::1]:5000/test', 'http://[::1]:5000'],
    ['localhost.example.com/test', 'https://localhost.example.com'],
    ['127.0.0.1.nip.io/test', 'https://127.0.0.1.nip.io'],
    ['10.0.0.5:5000/test', 'https://10.0.0.5:5000'],
  ])('speaks plain http only to loopback hosts: %p → %p', (prefix, baseUrl) => {
    expect(ImageRegistryLocation.parse(prefix).baseUrl).toBe(baseUrl);
  });
});
