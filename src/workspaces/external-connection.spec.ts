import { externalConnection, publicPlatformUrl } from './external-connection';

const ID = '5b2f7e1c-0d4a-4b8e-9f63-2a7c1d9e8b40';
const TOKEN = 'tok_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOP';

// The exact placeholder lines the canvas swaps the real token into (spec 06 §3.4).
const PYTHON_PLACEHOLDER = 'AUTH_TOKEN    = "<paste from create response>"';
const CURL_PLACEHOLDER = 'WORKSPACE_AUTH_TOKEN="<paste from create response>"';

describe('publicPlatformUrl', () => {
  it('prefers EXTERNAL_PLATFORM_URL over anything the request says', () => {
    const headers = { host: 'internal:8080', 'x-forwarded-proto': 'http', 'x-forwarded-host': 'x' };
    expect(publicPlatformUrl('https://platform.example.com', headers, false)).toBe(
      'https://platform.example.com',
    );
  });

  it('uses the Host header and the connection scheme without proxy headers', () => {
    expect(publicPlatformUrl('', { host: '127.0.0.1:8080' }, false)).toBe('http://127.0.0.1:8080');
    expect(publicPlatformUrl('', { host: 'platform.example.com' }, true)).toBe(
      'https://platform.example.com',
    );
  });

  it('prefers X-Forwarded-Proto and X-Forwarded-Host, first hop only', () => {
    const headers = {
      host: 'internal:8080',
      'x-forwarded-proto': 'https, http',
      'x-forwarded-host': 'canvas.example.com , proxy.local',
    };
    expect(publicPlatformUrl('', headers, false)).toBe('https://canvas.example.com');
  });

  it('falls back when a proxy header is empty', () => {
    const headers = { host: 'h:1', 'x-forwarded-proto': '', 'x-forwarded-host': ' ' };
    expect(publicPlatformUrl('', headers, true)).toBe('https://h:1');
  });

  it('never ends with a slash', () => {
    expect(publicPlatformUrl('', { host: 'h:1', 'x-forwarded-host': 'h.example/' }, false)).toBe(
      'http://h.example',
    );
  });
});

describe('externalConnection', () => {
  const base = 'https://platform.example.com';
  const connection = externalConnection(base, ID, TOKEN);

  it('carries the ids, the token and both endpoints', () => {
    expect(Object.keys(connection)).toEqual([
      'workspace_id',
      'platform_url',
      'auth_token',
      'registry_endpoint',
      'heartbeat_endpoint',
      'curl_register_template',
      'python_snippet',
    ]);
    expect(connection).toMatchObject({
      workspace_id: ID,
      platform_url: base,
      auth_token: TOKEN,
      registry_endpoint: `${base}/registry/register`,
      heartbeat_endpoint: `${base}/registry/heartbeat`,
    });
  });

  it('keeps the token out of both snippets, behind the byte-exact placeholder lines', () => {
    for (const snippet of [connection.curl_register_template, connection.python_snippet]) {
      expect(snippet).not.toContain(TOKEN);
    }
    expect(connection.python_snippet.split('\n')).toContain(PYTHON_PLACEHOLDER);
    expect(connection.curl_register_template.split('\n')).toContain(CURL_PLACEHOLDER);
  });

  it('lets the canvas substitute the token by plain text replacement', () => {
    const python = connection.python_snippet.replace(
      PYTHON_PLACEHOLDER,
      `AUTH_TOKEN    = "${TOKEN}"`,
    );
    const curl = connection.curl_register_template.replace(
      CURL_PLACEHOLDER,
      `WORKSPACE_AUTH_TOKEN="${TOKEN}"`,
    );
    expect(python).toContain(`AUTH_TOKEN    = "${TOKEN}"`);
    expect(python).toContain('headers = {"Authorization": f"Bearer {AUTH_TOKEN}"}');
    expect(curl).toContain(`WORKSPACE_AUTH_TOKEN="${TOKEN}"`);
    expect(curl).toContain('-H "Authorization: Bearer $WORKSPACE_AUTH_TOKEN"');
  });

  it('registers with the workspace id, $AGENT_URL and the default agent card (curl)', () => {
    const curl = connection.curl_register_template;
    expect(curl).toContain(`WORKSPACE_ID="${ID}"`);
    expect(curl).toContain(`curl -X POST ${base}/registry/register`);
    expect(curl).toContain('-H "Content-Type: application/json"');
    expect(curl).toContain(
      `-d '{"id": "'"$WORKSPACE_ID"'", "url": "'"$AGENT_URL"'", "agent_card": {"name": "My External Agent", "description": "", "version": "0.1.0"}}'`,
    );
  });

  it('registers then heartbeats against this platform (python)', () => {
    const python = connection.python_snippet;
    expect(python).toContain(`PLATFORM_URL  = "${base}"`);
    expect(python).toContain(`WORKSPACE_ID  = "${ID}"`);
    expect(python).toContain('requests.post(f"{PLATFORM_URL}/registry/register"');
    expect(python).toContain('requests.post(f"{PLATFORM_URL}/registry/heartbeat"');
    expect(python).toContain(
      '"agent_card": {"name": "My External Agent", "description": "", "version": "0.1.0"}',
    );
  });

  it('substitutes the platform URL and id into the snippets verbatim', () => {
    const other = externalConnection('http://127.0.0.1:9000', ID, '');
    expect(other.auth_token).toBe('');
    expect(other.registry_endpoint).toBe('http://127.0.0.1:9000/registry/register');
    expect(other.curl_register_template).toContain(
      'curl -X POST http://127.0.0.1:9000/registry/register',
    );
    expect(other.python_snippet).toContain('PLATFORM_URL  = "http://127.0.0.1:9000"');
    expect(other.python_snippet.split('\n')).toContain(PYTHON_PLACEHOLDER);
  });
});
