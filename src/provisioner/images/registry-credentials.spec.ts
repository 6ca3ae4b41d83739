import { RegistryCredentials } from './registry-credentials';

const decode = (auth: string) =>
  JSON.parse(Buffer.from(auth.replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString());

describe('RegistryCredentials', () => {
  it('is absent without both user and token', () => {
    expect(RegistryCredentials.from('', '')).toBeNull();
    expect(RegistryCredentials.from('bot', '')).toBeNull();
    expect(RegistryCredentials.from('', 'secret')).toBeNull();
    expect(RegistryCredentials.from('  ', ' \n')).toBeNull();
  });

  it('encodes the engine’s payload as URL-safe base64 with padding', () => {
    const auth = RegistryCredentials.from('bot', 'secret')!.engineAuth('ghcr.io');
    expect(decode(auth)).toEqual({ username: 'bot', password: 'secret', serveraddress: 'ghcr.io' });
    expect(Object.keys(decode(auth))).toEqual(['username', 'password', 'serveraddress']);
    expect(auth).toMatch(/^[A-Za-z0-9_-]+=*$/);
    expect(auth.length % 4).toBe(0);
  });

  it('uses the URL-safe alphabet where standard base64 would give + or /', () => {
    // Chosen so that the standard encoding contains both '+' and '/'.
    const auth = RegistryCredentials.from('>>>', '???')!.engineAuth('ghcr.io');
    expect(Buffer.from(JSON.stringify(decode(auth))).toString('base64')).toMatch(/[+/]/);
    expect(auth).not.toMatch(/[+/]/);
  });

  it('trims surrounding whitespace', () => {
    const credentials = RegistryCredentials.from('  bot\n', '\tsecret  ')!;
    expect(decode(credentials.engineAuth('ghcr.io'))).toMatchObject({
      username: 'bot',
      password: 'secret',
    });
    expect(credentials.basicAuthorization()).toBe(
      `Basic ${Buffer.from('bot:secret').toString('base64')}`,
    );
  });

  it('names the configured registry host as the server address', () => {
    const auth = RegistryCredentials.from('u', 't')!.engineAuth('127.0.0.1:5000');
    expect(decode(auth).serveraddress).toBe('127.0.0.1:5000');
  });
});
