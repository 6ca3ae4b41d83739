import { BridgeNetworkUrl, StoredUrl } from './workspace-url-rewrite';

const ID = 'abc123def456-1111-2222-3333-444455556666';

describe('WorkspaceUrlRewrite', () => {
  it('keeps the stored URL as it is by default', () => {
    expect(new StoredUrl().forPlatform(ID, 'http://127.0.0.1:41000')).toBe(
      'http://127.0.0.1:41000',
    );
  });

  it.each([
    ['http://127.0.0.1:41000', 'http://ws-abc123def456:8000'],
    ['http://127.0.0.1:41000/a2a', 'http://ws-abc123def456:8000'],
    ['http://127.0.0.10:41000', 'http://127.0.0.10:41000'],
    ['https://127.0.0.1:41000', 'https://127.0.0.1:41000'],
    ['http://agent.example:8000', 'http://agent.example:8000'],
  ])('on the bridge network, from a container: %p → %p', (stored, reached) => {
    expect(new BridgeNetworkUrl().forPlatform(ID, stored)).toBe(reached);
  });
});
