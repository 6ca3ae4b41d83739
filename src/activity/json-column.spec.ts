import { fromJsonText, toJsonColumn } from './json-column';

describe('toJsonColumn', () => {
  it('encodes JSON values, keeping the value itself', () => {
    const body = { task: 'do it', n: [1, 2] };
    expect(toJsonColumn(body)).toEqual({ text: '{"task":"do it","n":[1,2]}', value: body });
    expect(toJsonColumn(null)).toEqual({ text: 'null', value: null });
    expect(toJsonColumn('x')).toEqual({ text: '"x"', value: 'x' });
  });

  it('stores what JSON cannot represent as null', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    for (const value of [cyclic, 10n, () => 1, Symbol('s')]) {
      expect(toJsonColumn(value)).toEqual({ text: 'null', value: null });
    }
  });
});

describe('fromJsonText', () => {
  it('keeps SQL NULL (undefined) apart from JSON null', () => {
    expect(fromJsonText(null)).toBeUndefined();
    expect(fromJsonText('null')).toBeNull();
    expect(fromJsonText('{"a":1}')).toEqual({ a: 1 });
  });
});
