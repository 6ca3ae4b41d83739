import 'reflect-metadata';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, ValidateNested } from 'class-validator';
import { matchFieldNames } from './go-field-names';

class InnerDto {
  @IsOptional() @IsString() uri?: string;
}

class OuterDto {
  @IsString() id!: string;
  @IsOptional() @IsString() url?: string;
  @IsOptional() @IsInt() active_tasks?: number;
  @IsOptional() @ValidateNested() @Type(() => InnerDto) one?: InnerDto;
  @IsOptional() @ValidateNested({ each: true }) @Type(() => InnerDto) many?: InnerDto[];
}

describe('matchFieldNames (Go struct key matching)', () => {
  it('returns the same object when every key is spelled as declared', () => {
    const body = { id: 'a', url: 'u', one: { uri: 'x' }, many: [{ uri: 'y' }], extra: 1 };
    const out = matchFieldNames(body, OuterDto);
    expect(out).toBe(body);
    expect(out.one).toBe(body.one);
    expect(out.many).toBe(body.many);
  });

  it('renames keys that match case-insensitively, keeping unknown keys as given', () => {
    expect(matchFieldNames({ ID: 'a', Url: 'u', Active_Tasks: 2, Other: 1 }, OuterDto)).toEqual({
      id: 'a',
      url: 'u',
      active_tasks: 2,
      Other: 1,
    });
  });

  it('folds the Kelvin sign and the long s as Go does', () => {
    expect(matchFieldNames({ 'ACTIVE_TA\u017fKS': 3 }, OuterDto)).toEqual({ active_tasks: 3 });
    class KeyDto {
      @IsString() key!: string;
    }
    expect(matchFieldNames({ '\u212Aey': 'v' }, KeyDto)).toEqual({ key: 'v' });
  });

  it('lets the last key that lands on a field win, in body order', () => {
    expect(matchFieldNames({ id: 'first', ID: 'second' }, OuterDto)).toEqual({ id: 'second' });
    expect(matchFieldNames({ ID: 'first', id: 'second' }, OuterDto)).toEqual({ id: 'second' });
  });

  it('recurses into nested DTOs and arrays of them', () => {
    const body = { id: 'a', ONE: { URI: 'x' }, many: [{ uri: 'y' }, { Uri: 'z' }, null] };
    const out = matchFieldNames(body, OuterDto);
    expect(out).toEqual({ id: 'a', one: { uri: 'x' }, many: [{ uri: 'y' }, { uri: 'z' }, null] });
    expect(body.many[1]).toEqual({ Uri: 'z' });
  });

  it('leaves alone the keys under a @Type that depends on the object being transformed', () => {
    class PickedDto {
      @ValidateNested()
      @Type((options) =>
        (options!.object as { kind?: string }).kind === 'a' ? InnerDto : OuterDto,
      )
      picked?: object;
    }
    expect(matchFieldNames({ PICKED: { URI: 'x' } }, PickedDto)).toEqual({ picked: { URI: 'x' } });
  });

  it('never turns a __proto__ key into a prototype', () => {
    const body = JSON.parse('{"ID": "a", "__proto__": {"polluted": true}}');
    const out = matchFieldNames(body, OuterDto);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect((out as { polluted?: boolean }).polluted).toBeUndefined();
    expect(Object.keys(out)).toEqual(['id', '__proto__']);
  });
});
