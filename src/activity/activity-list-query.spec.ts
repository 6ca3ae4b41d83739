import { ApiError } from '../common/http/api-error';
import { parseActivityListQuery } from './activity-list-query';

function rejection(query: Record<string, unknown>): [number, unknown] {
  try {
    parseActivityListQuery(query);
  } catch (err) {
    expect(err).toBeInstanceOf(ApiError);
    return [(err as ApiError).status, (err as ApiError).body];
  }
  throw new Error('expected a rejection');
}

describe('parseActivityListQuery', () => {
  it('defaults: no filter, limit 100, no window', () => {
    expect(parseActivityListQuery({})).toEqual({
      type: undefined,
      source: undefined,
      limit: 100,
      sinceSecs: undefined,
    });
  });

  it('passes type through unvalidated; empty type and source mean no filter', () => {
    expect(parseActivityListQuery({ type: 'whatever', source: '' })).toMatchObject({
      type: 'whatever',
      source: undefined,
    });
    expect(parseActivityListQuery({ type: '' }).type).toBeUndefined();
  });

  it.each([['canvas'], ['agent']])('accepts source=%s', (source) => {
    expect(parseActivityListQuery({ source }).source).toBe(source);
  });

  it.each([['bogus'], ['Canvas'], ['agents']])('rejects source=%p', (source) => {
    expect(rejection({ source })).toEqual([400, { error: "source must be 'canvas' or 'agent'" }]);
  });

  it.each([
    ['10', 10],
    ['+7', 7],
    ['500', 500],
    ['9999', 500],
    ['9223372036854775807', 500],
    ['0', 100],
    ['-5', 100],
    ['abc', 100],
    ['10.5', 100],
    ['', 100],
    ['9223372036854775808', 100],
  ])('limit=%p → %p', (limit, expected) => {
    expect(parseActivityListQuery({ limit }).limit).toBe(expected);
  });

  it('reads the first of repeated parameters', () => {
    expect(parseActivityListQuery({ limit: ['3', '4'], type: ['a', 'b'] })).toMatchObject({
      limit: 3,
      type: 'a',
    });
  });

  describe('since_secs', () => {
    it('accepts a positive integer', () => {
      expect(parseActivityListQuery({ since_secs: '300' }).sinceSecs).toBe(300);
      expect(parseActivityListQuery({ since_secs: '+1' }).sinceSecs).toBe(1);
    });

    it('clamps to 30 days', () => {
      expect(parseActivityListQuery({ since_secs: '2592000' }).sinceSecs).toBe(2_592_000);
      expect(parseActivityListQuery({ since_secs: '2592001' }).sinceSecs).toBe(2_592_000);
      expect(parseActivityListQuery({ since_secs: '999999999' }).sinceSecs).toBe(2_592_000);
    });

    it.each([['0'], ['-1'], ['1.5'], ['abc'], [''], [' 5'], ['1e3'], ['99999999999999999999']])(
      'rejects %p',
      (since_secs) => {
        expect(rejection({ since_secs })).toEqual([
          400,
          { error: 'since_secs must be a positive integer' },
        ]);
      },
    );

    it('rejects a non-string value (e.g. a bracketed parameter)', () => {
      expect(rejection({ since_secs: { a: '1' } })[0]).toBe(400);
    });
  });
});
