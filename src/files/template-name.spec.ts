import { normalizeTemplateName } from './template-name';

describe('normalizeTemplateName (spec 07 §8)', () => {
  it.each([
    ['My Agent', 'my-agent'],
    ['Agent v2.0', 'agent-v20'],
    ['../hack', 'hack'],
    ['$$$', 'unnamed'],
    ['', 'unnamed'],
    ['snake_case-Name', 'snake_case-name'],
    ['Émile', 'mile'],
  ])('%j → %j', (name, id) => {
    expect(normalizeTemplateName(name)).toBe(id);
  });
});
