import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { createDecipheriv } from 'node:crypto';
import { ConfigModule } from '../../config/config.module';
import { loadConfig } from '../../config/load-config';
import { CryptoModule } from './crypto.module';
import {
  RandomBytes,
  SECRETS_KEY_REQUIRED_IN_PRODUCTION,
  SecretCipher,
  SecretsKeyRequiredError,
} from './secret-cipher';

const KEY = Buffer.alloc(32, 9).toString('base64');
const ZERO_KEY = Buffer.alloc(32).toString('base64');
const zeroNonce: RandomBytes = (size) => Buffer.alloc(size);

function cipherFor(env: Record<string, string>, random?: RandomBytes): SecretCipher {
  return new SecretCipher(loadConfig(env).config, random);
}

const PROD_ERROR =
  'SECRETS_ENCRYPTION_KEY is required in production (MOLECULE_ENV=prod) and must be 32 bytes raw or base64-encoded: refusing to boot without encryption in production';

let logged: string[];

beforeEach(() => {
  logged = [];
  for (const level of ['log', 'warn', 'error'] as const) {
    jest.spyOn(Logger.prototype, level).mockImplementation((...args: unknown[]) => {
      logged.push(String(args[0]));
    });
  }
});

afterEach(() => jest.restoreAllMocks());

describe('SecretCipher key loading', () => {
  it('is disabled by default', () => {
    const cipher = cipherFor({});
    expect(cipher.enabled).toBe(false);
    expect(cipher.currentVersion).toBe(0);
  });

  it.each([
    ['32-byte base64', true, KEY],
    ['32-char non-base64 raw', true, 'raw-key-'.repeat(4)],
    ['short raw', false, 'short'],
    ['base64 of 16 bytes', false, Buffer.alloc(16).toString('base64')],
  ])('%s key → enabled %p', (_label, enabled, key) => {
    const cipher = cipherFor({ SECRETS_ENCRYPTION_KEY: key });
    expect(cipher.enabled).toBe(enabled);
    expect(cipher.currentVersion).toBe(enabled ? 1 : 0);
  });

  it('logs why a key was rejected, without the key', () => {
    const key = Buffer.from('secret-material-16').toString('base64');
    cipherFor({ SECRETS_ENCRYPTION_KEY: key });
    expect(logged).toContain(
      'SECRETS_ENCRYPTION_KEY decoded to 18 bytes (expected 32). Encryption disabled',
    );
    expect(logged.join('\n')).not.toContain(key);
  });

  it('never logs key material or plaintext', () => {
    const cipher = cipherFor({ SECRETS_ENCRYPTION_KEY: KEY });
    cipher.decryptVersioned(cipher.encrypt('hunter2'), 1);
    expect(logged.join('\n')).not.toMatch(/hunter2|CQkJ/);
  });
});

describe('SecretCipher in production (fail-secure)', () => {
  it.each([['prod'], ['production'], [' Production '], ['PROD']])(
    'MOLECULE_ENV=%p without a key refuses to boot',
    (env) => {
      const build = () => cipherFor({ MOLECULE_ENV: env });
      expect(build).toThrow(SecretsKeyRequiredError);
      expect(build).toThrow(PROD_ERROR);
    },
  );

  it('wraps the "key missing" sentinel', () => {
    const error = catchError(() => cipherFor({ MOLECULE_ENV: 'prod' }));
    expect(error.message.startsWith(SECRETS_KEY_REQUIRED_IN_PRODUCTION)).toBe(true);
  });

  it('refuses a key of the wrong length', () => {
    const env = {
      MOLECULE_ENV: 'prod',
      SECRETS_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64'),
    };
    expect(() => cipherFor(env)).toThrow(PROD_ERROR);
  });

  it('boots with a valid key', () => {
    expect(cipherFor({ MOLECULE_ENV: 'production', SECRETS_ENCRYPTION_KEY: KEY }).enabled).toBe(
      true,
    );
  });

  it.each([[''], ['dev'], ['staging'], ['production-eu']])(
    'MOLECULE_ENV=%p without a key boots with a warning',
    (env) => {
      expect(cipherFor({ MOLECULE_ENV: env }).enabled).toBe(false);
      expect(logged).toContain('secret encryption disabled: secrets are stored as plaintext');
    },
  );
});

describe('SecretCipher encrypt', () => {
  it('round-trips and hides the plaintext', () => {
    const cipher = cipherFor({ SECRETS_ENCRYPTION_KEY: KEY });
    const sealed = cipher.encrypt('sk-ant-very-secret');
    expect(sealed.length).toBe(12 + 18 + 16);
    expect(sealed.includes(Buffer.from('sk-ant-very-secret'))).toBe(false);
    expect(cipher.decryptVersioned(sealed, 1).toString()).toBe('sk-ant-very-secret');
  });

  it('uses a fresh nonce per call', () => {
    const cipher = cipherFor({ SECRETS_ENCRYPTION_KEY: KEY });
    expect(cipher.encrypt('same').equals(cipher.encrypt('same'))).toBe(false);
  });

  it('lays bytes out as nonce ‖ ciphertext ‖ tag (GCM spec test case 14)', () => {
    const nonce = Buffer.from('0102030405060708090a0b0c', 'hex');
    const sealed = cipherFor({ SECRETS_ENCRYPTION_KEY: ZERO_KEY }, () => nonce).encrypt(
      Buffer.alloc(16),
    );
    expect(sealed.subarray(0, 12)).toEqual(nonce);

    const vector = cipherFor({ SECRETS_ENCRYPTION_KEY: ZERO_KEY }, zeroNonce).encrypt(
      Buffer.alloc(16),
    );
    expect(vector.toString('hex')).toBe(
      '000000000000000000000000' +
        'cea7403d4d606b6e074ec5d3baf39d18' +
        'd0d1c8a799996bf0265b98b5d48ab919',
    );
  });

  it('is readable by a plain AES-256-GCM implementation', () => {
    const sealed = cipherFor({ SECRETS_ENCRYPTION_KEY: KEY }).encrypt('interop');
    const decipher = createDecipheriv('aes-256-gcm', Buffer.alloc(32, 9), sealed.subarray(0, 12));
    decipher.setAuthTag(sealed.subarray(-16));
    const plain = Buffer.concat([decipher.update(sealed.subarray(12, -16)), decipher.final()]);
    expect(plain.toString()).toBe('interop');
  });

  it('seals empty plaintext into 28 bytes that round-trip (GCM spec test case 13)', () => {
    const cipher = cipherFor({ SECRETS_ENCRYPTION_KEY: ZERO_KEY }, zeroNonce);
    const sealed = cipher.encrypt('');
    expect(sealed.toString('hex')).toBe(
      '000000000000000000000000' + '530f8afbc74536b9a963b4f1c4cb738b',
    );
    expect(cipher.decryptVersioned(sealed, 1)).toEqual(Buffer.alloc(0));
  });

  it('passes plaintext through when disabled', () => {
    const cipher = cipherFor({});
    const input = Buffer.from('plain');
    expect(cipher.encrypt(input)).toEqual(input);
    expect(cipher.encrypt('plain')).toEqual(input);
    expect(cipher.decryptVersioned(input, cipher.currentVersion)).toEqual(input);
  });
});

describe('SecretCipher.decryptVersioned', () => {
  const enabled = () => cipherFor({ SECRETS_ENCRYPTION_KEY: KEY });

  it('returns version 0 bytes verbatim even with a key', () => {
    expect(enabled().decryptVersioned(Buffer.from('legacy'), 0).toString()).toBe('legacy');
  });

  it('still reads historical plaintext after a key is enabled', () => {
    const before = cipherFor({});
    const stored = { bytes: before.encrypt('old-value'), version: before.currentVersion };
    expect(stored.version).toBe(0);
    expect(enabled().decryptVersioned(stored.bytes, stored.version).toString()).toBe('old-value');
  });

  it('refuses version 1 without a key', () => {
    const sealed = enabled().encrypt('x');
    expect(() => cipherFor({}).decryptVersioned(sealed, 1)).toThrow(
      new Error(
        'row was encrypted (version=1) but SECRETS_ENCRYPTION_KEY is unset; cannot decrypt',
      ),
    );
  });

  it.each([[2], [99], [-1]])('rejects unknown version %p', (version) => {
    expect(() => enabled().decryptVersioned(Buffer.from('x'), version)).toThrow(
      new Error(`unknown encryption_version=${version}; platform upgrade required`),
    );
  });

  it.each([[0], [11]])('rejects a %p-byte ciphertext as too short', (length) => {
    expect(() => enabled().decryptVersioned(Buffer.alloc(length), 1)).toThrow(
      new Error('ciphertext too short'),
    );
  });

  it.each([[12], [27]])('fails authentication on a %p-byte ciphertext', (length) => {
    expect(() => enabled().decryptVersioned(Buffer.alloc(length), 1)).toThrow(
      new Error('cipher: message authentication failed'),
    );
  });

  it.each([
    ['nonce', 0],
    ['ciphertext', 14],
    ['tag', -1],
  ])('fails authentication when the %s is tampered with', (_part, index) => {
    const cipher = enabled();
    const sealed = cipher.encrypt('tamper-me');
    const at = index < 0 ? sealed.length + index : index;
    sealed[at] ^= 0x01;
    expect(() => cipher.decryptVersioned(sealed, 1)).toThrow(
      new Error('cipher: message authentication failed'),
    );
  });

  it('fails authentication under another key', () => {
    const sealed = enabled().encrypt('x');
    const other = cipherFor({ SECRETS_ENCRYPTION_KEY: ZERO_KEY });
    expect(() => other.decryptVersioned(sealed, 1)).toThrow(
      'cipher: message authentication failed',
    );
  });
});

describe('CryptoModule', () => {
  const compile = (env: Record<string, string>) =>
    Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig(env).config), CryptoModule],
    }).compile();

  it('provides a SecretCipher built from AppConfig', async () => {
    const moduleRef = await compile({ SECRETS_ENCRYPTION_KEY: KEY });
    expect(moduleRef.get(SecretCipher).currentVersion).toBe(1);
  });

  it('fails to start in production without a key', async () => {
    await expect(compile({ MOLECULE_ENV: 'prod' })).rejects.toThrow(PROD_ERROR);
  });
});

function catchError(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}
