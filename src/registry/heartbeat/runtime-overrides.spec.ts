import { RuntimeOverrides } from './runtime-overrides';

describe('RuntimeOverrides', () => {
  let cache: RuntimeOverrides;
  beforeEach(() => (cache = new RuntimeOverrides()));

  it('stores the idle timeout per workspace without leaking to another', () => {
    cache.setIdleTimeout('a', 600_000);
    expect(cache.idleTimeoutMs('a')).toBe(600_000);
    expect(cache.idleTimeoutMs('b')).toBeUndefined();
  });

  it.each([0, -5])('clears the idle timeout for %p', (ms) => {
    cache.setIdleTimeout('a', 1000);
    cache.setIdleTimeout('a', ms);
    expect(cache.idleTimeoutMs('a')).toBeUndefined();
  });

  it('ignores an empty workspace id', () => {
    cache.setIdleTimeout('', 1000);
    cache.setCapabilities('', { session: true });
    expect(cache.idleTimeoutMs('')).toBeUndefined();
    expect(cache.hasCapability('', 'session')).toBe(false);
  });

  it('replaces, never merges', () => {
    cache.setIdleTimeout('a', 1000);
    cache.setIdleTimeout('a', 2000);
    expect(cache.idleTimeoutMs('a')).toBe(2000);
    cache.setCapabilities('a', { session: true });
    cache.setCapabilities('a', { scheduler: true });
    expect(cache.hasCapability('a', 'session')).toBe(false);
    expect(cache.hasCapability('a', 'scheduler')).toBe(true);
  });

  it('counts a capability only when it is explicitly true', () => {
    cache.setCapabilities('a', { session: true, status_mgmt: false });
    expect(cache.hasCapability('a', 'session')).toBe(true);
    expect(cache.hasCapability('a', 'status_mgmt')).toBe(false);
    expect(cache.hasCapability('a', 'retry')).toBe(false);
    expect(cache.hasCapability('a', '')).toBe(false);
  });

  it('keeps capabilities isolated per workspace', () => {
    cache.setCapabilities('a', { session: true });
    expect(cache.hasCapability('b', 'session')).toBe(false);
  });

  it.each([[undefined], [{}]])('clears capabilities on %p', (caps) => {
    cache.setCapabilities('a', { session: true });
    cache.setCapabilities('a', caps);
    expect(cache.hasCapability('a', 'session')).toBe(false);
  });

  it('stores a defensive copy of the capability map', () => {
    const caps: Record<string, boolean> = { session: true };
    cache.setCapabilities('a', caps);
    caps.session = false;
    caps.scheduler = true;
    expect(cache.hasCapability('a', 'session')).toBe(true);
    expect(cache.hasCapability('a', 'scheduler')).toBe(false);
  });

  it('updates each field without touching the other', () => {
    cache.setCapabilities('a', { session: true });
    cache.setIdleTimeout('a', 5000);
    expect(cache.hasCapability('a', 'session')).toBe(true);
    cache.setCapabilities('a', { scheduler: true });
    expect(cache.idleTimeoutMs('a')).toBe(5000);
  });

  it('drops an entry once both fields are empty', () => {
    cache.setIdleTimeout('a', 5000);
    cache.setCapabilities('a', { session: true });
    cache.setIdleTimeout('a', 0);
    cache.setCapabilities('a', {});
    expect((cache as unknown as { entries: Map<string, unknown> }).entries.has('a')).toBe(false);
  });

  it('reset clears everything', () => {
    cache.setIdleTimeout('a', 5000);
    cache.setCapabilities('b', { session: true });
    cache.reset();
    expect(cache.idleTimeoutMs('a')).toBeUndefined();
    expect(cache.hasCapability('b', 'session')).toBe(false);
  });

  describe('applyHeartbeat', () => {
    it('leaves the declarations alone when the heartbeat carries no runtime_metadata', () => {
      cache.applyHeartbeat('a', { capabilities: { session: true }, idle_timeout_seconds: 120 });
      cache.applyHeartbeat('a', undefined);
      expect(cache.hasCapability('a', 'session')).toBe(true);
      expect(cache.idleTimeoutMs('a')).toBe(120_000);
    });

    it('clears what runtime_metadata no longer declares', () => {
      cache.applyHeartbeat('a', { capabilities: { session: true }, idle_timeout_seconds: 120 });
      cache.applyHeartbeat('a', {});
      expect(cache.hasCapability('a', 'session')).toBe(false);
      expect(cache.idleTimeoutMs('a')).toBeUndefined();
    });
  });
});
