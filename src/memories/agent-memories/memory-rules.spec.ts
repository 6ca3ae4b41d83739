import { apiFailure } from '../../../test/support/unit';
import { namespaceOf } from './memory-rules';

describe('memory rules', () => {
  it('namespace: empty → general; 50 bytes fit; 51 bytes (or 26 two-byte letters) do not', async () => {
    expect(namespaceOf(undefined)).toBe('general');
    expect(namespaceOf(null)).toBe('general');
    expect(namespaceOf('')).toBe('general');
    expect(namespaceOf('reference')).toBe('reference');
    expect(namespaceOf('n'.repeat(50))).toBe('n'.repeat(50));
    for (const namespace of ['n'.repeat(51), 'é'.repeat(26)]) {
      expect(await apiFailure(Promise.resolve().then(() => namespaceOf(namespace)))).toEqual([
        400,
        { error: 'namespace must be <= 50 characters' },
      ]);
    }
  });
});
