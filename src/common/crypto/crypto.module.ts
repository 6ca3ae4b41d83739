import { Global, Module } from '@nestjs/common';
import { SecretCipher } from './secret-cipher';

/** One `SecretCipher` per app, built at boot so production refuses to start without a key. */
@Global()
@Module({ providers: [SecretCipher], exports: [SecretCipher] })
export class CryptoModule {}
