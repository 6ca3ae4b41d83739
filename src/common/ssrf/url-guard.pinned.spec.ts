import { FakeHostResolver } from './testing/fake-host-resolver';
import { urlGuardFor } from './testing/url-guard-for';
import { UrlGuard } from './url-guard';

/**
 * The reference's own unit tests (spec 02 §19: handlers/registry_test.go TestValidateAgentURL*,
 * handlers/ssrf_test.go TestIsSafeURL*, handlers/mcp_test.go isSafeURL subset), as behaviour.
 */
const publicNames = () =>
  new FakeHostResolver({
    'example.com': ['93.184.215.14'],
    'agent.example.com': ['93.184.215.14', '2606:2800:21f:cb07:6820:80da:af6b:8b2c'],
    'api.github.com': ['140.82.112.6'],
    localhost: ['127.0.0.1', '::1'],
  });

const guard = (env: Record<string, string> = {}): UrlGuard => urlGuardFor(env, publicNames());

async function expectAllowed(check: (url: string) => Promise<{ ok: boolean }>, urls: string[]) {
  for (const url of urls) expect({ url, ...(await check(url)) }).toEqual({ url, ok: true });
}

async function expectRejected(check: (url: string) => Promise<{ ok: boolean }>, urls: string[]) {
  for (const url of urls) expect({ url, ok: (await check(url)).ok }).toEqual({ url, ok: false });
}

const registration = (g: UrlGuard) => (url: string) => g.checkRegistrationUrl(url);
const outbound = (g: UrlGuard) => (url: string) => g.checkOutboundUrl(url);

const RFC_1918_AND_ULA = [
  'http://10.0.0.5:8000',
  'http://172.16.0.1:8000',
  'http://172.18.0.5:8000',
  'http://172.31.255.254:8000',
  'http://192.168.1.10:8000',
  'http://[fd00::1]:8000',
];

describe('registration guard: pinned reference behaviour', () => {
  it('allows public http(s) and localhost, rejects everything else (strict)', async () => {
    const check = registration(guard());

    await expectAllowed(check, [
      'https://agent.example.com',
      'http://agent.example.com:8000/a2a',
      'http://93.184.215.14:8000',
      'http://localhost:8000',
    ]);
    await expectRejected(check, [
      'file:///etc/passwd',
      'ftp://example.com/',
      'ht!tp://bad url',
      '',
      'http://169.254.169.254/latest/meta-data/',
      'http://127.0.0.1:8000',
      'http://127.1.2.3:8000',
      'http://10.0.0.5:8000',
      'http://172.18.0.5:8000',
      'http://192.168.1.10:8000',
      'http://[::1]:8000',
      'http://[fe80::1]:8000',
      'http://[fd00::1]:8000',
      'http://192.0.2.1',
      'http://198.51.100.1',
      'http://203.0.113.1',
      'http://[2001:db8::]',
      'http://[::ffff:169.254.169.254]',
      'http://no-such-host.invalid:8000',
    ]);
  });

  it('SaaS mode allows RFC-1918 and fd00::/8', async () => {
    await expectAllowed(registration(guard({ MOLECULE_DEPLOY_MODE: 'saas' })), [
      ...RFC_1918_AND_ULA,
      'http://[fd12:3456:789a::1]:8000',
    ]);
  });

  it('SaaS mode still blocks metadata, loopback, TEST-NETs, CGNAT, fc00::/8 and multicast', async () => {
    await expectRejected(registration(guard({ MOLECULE_DEPLOY_MODE: 'saas' })), [
      'http://169.254.169.254',
      'http://127.0.0.1:8000',
      'http://[::1]:8000',
      'http://192.0.2.1',
      'http://198.51.100.1',
      'http://203.0.113.1',
      'http://100.64.0.1',
      'http://100.127.255.254',
      'http://[fc00::1]',
      'http://224.0.0.1',
    ]);
  });

  it('explicit self-hosted mode blocks RFC-1918 and fd00::/8', async () => {
    await expectRejected(
      registration(guard({ MOLECULE_DEPLOY_MODE: 'self-hosted' })),
      RFC_1918_AND_ULA,
    );
  });

  it('a legacy org id alone (deploy mode unset) enables the SaaS relaxation', async () => {
    await expectAllowed(registration(guard({ MOLECULE_ORG_ID: 'org-123' })), RFC_1918_AND_ULA);
  });
});

describe('outbound guard (isSafeURL): pinned reference behaviour', () => {
  it('allows public http(s); blocks loopback, other schemes, metadata, private, link-local multicast, empty host, 0.0.0.0', async () => {
    const check = outbound(guard());

    await expectAllowed(check, [
      'https://api.github.com/repos',
      'http://example.com/path',
      'http://8.8.8.8:80/',
    ]);
    await expectRejected(check, [
      'http://127.0.0.1:8080/',
      'http://localhost:8080/',
      'http://[::1]:8080/',
      'file:///etc/passwd',
      'ftp://example.com/',
      'mailto:someone@example.com',
      'data:text/plain,hello',
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.1/',
      'http://172.16.0.1/',
      'http://192.168.1.1/',
      'http://224.0.0.1/',
      'http://224.0.0.251/',
      'http:///',
      'http://0.0.0.0:8080/',
      '://not a url',
    ]);
  });

  it.each(['development', 'dev'])('MOLECULE_ENV=%s allows loopback', async (env) => {
    await expectAllowed(outbound(guard({ MOLECULE_ENV: env })), [
      'http://127.0.0.1:8000/',
      'http://[::1]:8000/',
    ]);
  });

  it('MOLECULE_ENV=production still blocks loopback', async () => {
    await expectRejected(outbound(guard({ MOLECULE_ENV: 'production' })), [
      'http://127.0.0.1:8000/',
      'http://[::1]:8000/',
    ]);
  });

  it('dev mode still blocks metadata, TEST-NET, CGNAT, 0.0.0.0 and 224.0.0.1', async () => {
    await expectRejected(outbound(guard({ MOLECULE_ENV: 'development' })), [
      'http://169.254.169.254/',
      'http://192.0.2.1/',
      'http://100.64.0.1/',
      'http://0.0.0.0:8000/',
      'http://224.0.0.1/',
    ]);
  });

  it('SaaS mode allows RFC-1918 and fd00::/8', async () => {
    await expectAllowed(outbound(guard({ MOLECULE_DEPLOY_MODE: 'saas' })), RFC_1918_AND_ULA);
  });

  it('SaaS mode still blocks metadata, loopback, TEST-NETs, CGNAT, fc00::1 and 224.0.0.1', async () => {
    await expectRejected(outbound(guard({ MOLECULE_DEPLOY_MODE: 'saas' })), [
      'http://169.254.169.254/',
      'http://127.0.0.1:8000/',
      'http://[::1]:8000/',
      'http://192.0.2.1/',
      'http://198.51.100.1/',
      'http://203.0.113.1/',
      'http://100.64.0.1/',
      'http://[fc00::1]/',
      'http://224.0.0.1/',
    ]);
  });

  it('dev mode under an explicit self-hosted deploy mode allows RFC-1918 and fd00::/8', async () => {
    const env = { MOLECULE_DEPLOY_MODE: 'self-hosted', MOLECULE_ENV: 'development' };

    await expectAllowed(outbound(guard(env)), [
      'http://10.0.0.5:8000/',
      'http://172.18.0.5:8000/',
      'http://192.168.1.10:8000/',
      'http://[fd00::1]:8000/',
    ]);
  });

  it('strict self-hosted mode blocks RFC-1918 and fd00::/8', async () => {
    await expectRejected(
      outbound(guard({ MOLECULE_DEPLOY_MODE: 'self-hosted' })),
      RFC_1918_AND_ULA,
    );
  });

  it('a legacy org id alone relaxes RFC-1918 and fd00::/8', async () => {
    await expectAllowed(outbound(guard({ MOLECULE_ORG_ID: 'org-123' })), RFC_1918_AND_ULA);
  });
});

describe('outbound guard: pinned MCP-handler cases', () => {
  const check = outbound(guard());

  it.each(['https://api.github.com/repos', 'http://example.com/path'])('allows %s', async (url) => {
    expect(await check(url)).toEqual({ ok: true });
  });

  it.each([
    ['file scheme', 'file:///etc/passwd', 'forbidden scheme "file"'],
    ['ftp scheme', 'ftp://example.com/file', 'forbidden scheme "ftp"'],
    ['localhost', 'http://127.0.0.1:8080/', 'forbidden loopback IP 127.0.0.1'],
    ['localhost v6', 'http://[::1]:8080/', 'forbidden loopback IP ::1'],
    [
      'metadata',
      'http://169.254.169.254/latest/meta-data/',
      'forbidden link-local IP 169.254.169.254',
    ],
    ['10/8', 'http://10.0.0.1/', 'forbidden private IP 10.0.0.1'],
    ['172.16/12', 'http://172.16.0.1/', 'forbidden private IP 172.16.0.1'],
    ['192.168/16', 'http://192.168.1.1/', 'forbidden private IP 192.168.1.1'],
    ['empty host', 'http:///', 'invalid URL'],
    ['invalid URL', '://bad', 'invalid URL'],
  ])('blocks %s', async (_name, url, reason) => {
    expect(await check(url)).toEqual({ ok: false, reason });
  });
});
