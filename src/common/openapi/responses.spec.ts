import { errorResponse } from './responses';
import { named, object, str } from './schema';

describe('errorResponse', () => {
  const ERROR = { $ref: '#/components/schemas/Error' };

  it('lists the messages and gives the first as the example', () => {
    expect(errorResponse(['workspace not found', 'lookup failed'])).toEqual({
      description: '`error`: `workspace not found`, `lookup failed`',
      content: {
        'application/json': {
          schema: { allOf: [ERROR], example: { error: 'workspace not found' } },
        },
      },
    });
  });

  it('adds the extra keys a route sends besides error, and says when', () => {
    const response = errorResponse({
      errors: ['workspace has active tasks'],
      extra: { active_tasks: { type: 'integer' } },
      when: 'Busy',
    });
    expect(response.description).toBe('Busy. `error`: `workspace has active tasks`');
    expect(response.content?.['application/json'].schema).toEqual({
      allOf: [
        ERROR,
        {
          type: 'object',
          properties: { active_tasks: { type: 'integer' } },
          required: ['active_tasks'],
        },
      ],
      example: { error: 'workspace has active tasks' },
    });
  });

  it('describes a body without `error` by its extra keys alone', () => {
    const response = errorResponse({ errors: [], extra: { deleted: { type: 'boolean' } } });
    expect(response.content?.['application/json'].schema).toEqual(
      object({ deleted: { type: 'boolean' } }),
    );
  });

  it('describes a plain-text body', () => {
    expect(errorResponse({ errors: [], text: 'Forbidden' })).toEqual({
      description: '`Forbidden` (text/plain)',
      content: { 'text/plain': { schema: { type: 'string', example: 'Forbidden' } } },
    });
  });
});

describe('object', () => {
  it('requires every key but those ending in ?', () => {
    expect(object({ id: str(), 'note?': str() })).toEqual({
      type: 'object',
      properties: { id: { type: 'string' }, note: { type: 'string' } },
      required: ['id'],
    });
  });
});

describe('named', () => {
  it('refuses two different schemas under one name', () => {
    named('SpecOnly', object({ a: str() }));
    expect(() => named('SpecOnly', object({ a: str() }))).not.toThrow();
    expect(() => named('SpecOnly', object({ b: str() }))).toThrow(/declared twice/);
  });
});
