import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { AppConfig } from '../../config/app-config';
import { parseSecretsEncryptionKey } from './secret-key';

/** `encryption_version` values stored beside `workspace_secrets` / `global_secrets` bytes. */
export const SECRET_VERSION_PLAINTEXT = 0;
export const SECRET_VERSION_AES_GCM = 1;

/** The sentinel the production boot error starts with. */
export const SECRETS_KEY_REQUIRED_IN_PRODUCTION =
  'SECRETS_ENCRYPTION_KEY is required in production (MOLECULE_ENV=prod) and must be 32 bytes raw or base64-encoded';

/** Thrown at construction so a production app refuses to boot without encryption. */
export class SecretsKeyRequiredError extends Error {
  constructor() {
    super(
      `${SECRETS_KEY_REQUIRED_IN_PRODUCTION}: refusing to boot without encryption in production`,
    );
    this.name = 'SecretsKeyRequiredError';
  }
}

export type RandomBytes = (size: number) => Buffer;

/** Optional DI token for the nonce source; tests pin it, production uses node:crypto. */
export const SECRET_CIPHER_RANDOM = Symbol('SECRET_CIPHER_RANDOM');

const ALGORITHM = 'aes-256-gcm';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
// Go's crypto/cipher wording, which ends up in control-plane `last_sample_error` texts.
const AUTH_FAILED = 'cipher: message authentication failed';

/**
 * At-rest encryption for secret values: AES-256-GCM sealed as `nonce ‖ ciphertext ‖ tag`, or
 * plaintext passthrough when no key is configured (outside production).
 */
@Injectable()
export class SecretCipher {
  private readonly logger = new Logger(SecretCipher.name);
  private readonly key: Buffer | null;

  constructor(
    config: AppConfig,
    @Optional()
    @Inject(SECRET_CIPHER_RANDOM)
    private readonly random: RandomBytes = randomBytes,
  ) {
    const parsed = parseSecretsEncryptionKey(config.secretsEncryptionKey);
    if (parsed.kind === 'invalid') this.logger.error(parsed.reason);
    this.key = parsed.kind === 'valid' ? parsed.key : null;

    if (this.key) {
      this.logger.log('secret encryption enabled (AES-256-GCM)');
    } else if (config.isProductionEnvironment) {
      throw new SecretsKeyRequiredError();
    } else {
      this.logger.warn('secret encryption disabled: secrets are stored as plaintext');
    }
  }

  get enabled(): boolean {
    return this.key !== null;
  }

  /** The version writers store with freshly encrypted bytes. */
  get currentVersion(): number {
    return this.key ? SECRET_VERSION_AES_GCM : SECRET_VERSION_PLAINTEXT;
  }

  encrypt(plaintext: Buffer | string): Buffer {
    const bytes =
      typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : Buffer.from(plaintext);
    if (!this.key) return bytes;

    const nonce = this.random(NONCE_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.key, nonce, { authTagLength: TAG_BYTES });
    return Buffer.concat([nonce, cipher.update(bytes), cipher.final(), cipher.getAuthTag()]);
  }

  /** Decrypts stored bytes according to the row's `encryption_version`. */
  decryptVersioned(bytes: Buffer, version: number): Buffer {
    switch (version) {
      case SECRET_VERSION_PLAINTEXT:
        // Rows written before a key was configured stay readable.
        return bytes;
      case SECRET_VERSION_AES_GCM:
        if (!this.key) {
          throw new Error(
            'row was encrypted (version=1) but SECRETS_ENCRYPTION_KEY is unset; cannot decrypt',
          );
        }
        return open(this.key, bytes);
      default:
        throw new Error(`unknown encryption_version=${version}; platform upgrade required`);
    }
  }
}

function open(key: Buffer, sealed: Buffer): Buffer {
  if (sealed.length < NONCE_BYTES) throw new Error('ciphertext too short');
  if (sealed.length < NONCE_BYTES + TAG_BYTES) throw new Error(AUTH_FAILED);

  const nonce = sealed.subarray(0, NONCE_BYTES);
  const body = sealed.subarray(NONCE_BYTES, sealed.length - TAG_BYTES);
  const decipher = createDecipheriv(ALGORITHM, key, nonce, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch {
    throw new Error(AUTH_FAILED);
  }
}
