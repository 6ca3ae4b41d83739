import { Logger } from '@nestjs/common';
import { missingEnvMessage, missingRequiredEnv } from './required-env';

describe('missingRequiredEnv (spec 04 §4.4)', () => {
  const config = 'name: x\nruntime_config:\n  required_env: [A_KEY, B_KEY]\n';

  beforeEach(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
  afterEach(() => jest.restoreAllMocks());

  it('reports nothing without a config, without the key, or when all are set', () => {
    expect(missingRequiredEnv(undefined, {})).toEqual([]);
    expect(missingRequiredEnv('', {})).toEqual([]);
    expect(missingRequiredEnv('name: x\n', {})).toEqual([]);
    expect(missingRequiredEnv(config, { A_KEY: '1', B_KEY: '2' })).toEqual([]);
  });

  it('reports the missing names; an empty value counts as missing', () => {
    expect(missingRequiredEnv(config, { A_KEY: '1' })).toEqual(['B_KEY']);
    expect(missingRequiredEnv(config, { A_KEY: '', B_KEY: '2' })).toEqual(['A_KEY']);
  });

  it('checks nothing when the YAML does not parse (and warns)', () => {
    expect(missingRequiredEnv('runtime_config: [unclosed', {})).toEqual([]);
    expect(Logger.prototype.warn).toHaveBeenCalled();
  });
});

describe('missingEnvMessage', () => {
  it('names one variable, Go-quoted, and says retry', () => {
    expect(missingEnvMessage(['OPENAI_API_KEY'])).toBe(
      'missing required env var "OPENAI_API_KEY" — add it under Config → Env Vars (or as a Global secret) and retry',
    );
  });

  it('joins several with ", "', () => {
    expect(missingEnvMessage(['A', 'B'])).toBe(
      'missing required env vars A, B — add them under Config → Env Vars (or as Global secrets) and retry',
    );
  });
});
