import { FakeHostResolver } from './testing/fake-host-resolver';
import { urlGuardFor } from './testing/url-guard-for';

const STRICT = {};
const SAAS = { MOLECULE_DEPLOY_MODE: 'saas' };
const DEV = { MOLECULE_ENV: 'development' };

const BOTH_GUARDS = ['checkRegistrationUrl', 'checkOutboundUrl'] as const;

const PUBLIC_V4 = '93.184.215.14';
const PUBLIC_V6 = '2606:2800:21f:cb07:6820:80da:af6b:8b2c';

describe('UrlGuard', () => {
  describe.each(BOTH_GUARDS)('%s: scheme and parse failures', (method) => {
    it.each([
      ['', 'empty URL'],
      ['not a url', 'invalid URL'],
      ['http:///', 'invalid URL'],
      ['http://', 'invalid URL'],
      ['http://[fe80::1%25eth0]:8000/', 'invalid URL'],
      ['http://[::1/', 'invalid URL'],
      ['http://example.com:99999/', 'invalid URL'],
      ['file:///etc/passwd', 'forbidden scheme "file"'],
      ['ftp://example.com/pub', 'forbidden scheme "ftp"'],
      ['mailto:ops@example.com', 'forbidden scheme "mailto"'],
      ['data:text/plain,hello', 'forbidden scheme "data"'],
      ['gopher://example.com:70/', 'forbidden scheme "gopher"'],
      ['ws://example.com/', 'forbidden scheme "ws"'],
      ['javascript:alert(1)', 'forbidden scheme "javascript"'],
    ])('%j → %s, without resolving anything', async (url, reason) => {
      const resolver = new FakeHostResolver({ 'example.com': [PUBLIC_V4] });
      const guard = urlGuardFor(STRICT, resolver);

      expect(await guard[method](url)).toEqual({ ok: false, reason });
      expect(resolver.calls).toEqual([]);
    });

    it('accepts http and https in any letter case', async () => {
      const guard = urlGuardFor(STRICT, new FakeHostResolver({ 'example.com': [PUBLIC_V4] }));

      expect(await guard[method]('HTTPS://EXAMPLE.COM/')).toEqual({ ok: true });
      expect(await guard[method]('Http://example.com:8000/a2a?x=1')).toEqual({ ok: true });
    });
  });

  describe.each(BOTH_GUARDS)('%s: host names', (method) => {
    it('allows a name whose every address is public, asking the resolver for the lowercased name', async () => {
      const resolver = new FakeHostResolver({ 'agent.example.com': [PUBLIC_V4, PUBLIC_V6] });

      const result = await urlGuardFor(STRICT, resolver)[method]('https://Agent.Example.COM/');

      expect(result).toEqual({ ok: true });
      expect(resolver.calls).toEqual(['agent.example.com']);
    });

    it('rejects a name resolving to public and private addresses alike, without naming them', async () => {
      const resolver = new FakeHostResolver({ 'mixed.test': [PUBLIC_V4, '10.0.0.1'] });

      expect(await urlGuardFor(STRICT, resolver)[method]('http://mixed.test/')).toEqual({
        ok: false,
        reason: 'hostname "mixed.test" resolves to a blocked address (private)',
      });
    });

    it('judges every address: a blocked one last in the answer still rejects', async () => {
      const resolver = new FakeHostResolver({
        'late.test': [PUBLIC_V4, PUBLIC_V6, '169.254.169.254'],
      });

      expect(await urlGuardFor(SAAS, resolver)[method]('http://late.test/')).toEqual({
        ok: false,
        reason: 'hostname "late.test" resolves to a blocked address (link-local)',
      });
    });

    it('allows the mixed public and private name in SaaS mode', async () => {
      const resolver = new FakeHostResolver({ 'mixed.test': [PUBLIC_V4, '10.0.0.1', 'fd00::5'] });

      expect(await urlGuardFor(SAAS, resolver)[method]('http://mixed.test/')).toEqual({ ok: true });
    });

    it('rejects a name that resolves to nothing', async () => {
      const resolver = new FakeHostResolver({ 'empty.test': [] });

      expect(await urlGuardFor(SAAS, resolver)[method]('http://empty.test/')).toEqual({
        ok: false,
        reason: 'hostname "empty.test" resolves to no addresses',
      });
    });

    it('rejects a name whose resolution fails, without echoing the resolver error', async () => {
      const resolver = new FakeHostResolver({ 'broken.test': new Error('SERVFAIL from 10.0.0.2') });

      expect(await urlGuardFor(SAAS, resolver)[method]('http://broken.test/')).toEqual({
        ok: false,
        reason: 'hostname "broken.test" could not be resolved',
      });
      expect(await urlGuardFor(SAAS, resolver)[method]('http://unknown.invalid/')).toEqual({
        ok: false,
        reason: 'hostname "unknown.invalid" could not be resolved',
      });
    });

    it('fails closed on an answer that is not an IP address', async () => {
      const resolver = new FakeHostResolver({ 'odd.test': [PUBLIC_V4, 'not-an-ip'] });

      expect(await urlGuardFor(STRICT, resolver)[method]('http://odd.test/')).toEqual({
        ok: false,
        reason: 'hostname "odd.test" resolves to an unrecognised address',
      });
    });

    it('treats an IPv4-looking host in any notation as the literal it normalises to', async () => {
      const resolver = new FakeHostResolver();
      const guard = urlGuardFor(STRICT, resolver);

      for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://0177.0.0.1/']) {
        expect(await guard[method](url)).toEqual({
          ok: false,
          reason: 'forbidden loopback IP 127.0.0.1',
        });
      }
      expect(resolver.calls).toEqual([]);
    });
  });

  describe('checkRegistrationUrl', () => {
    it.each([
      ['strict', STRICT],
      ['SaaS', SAAS],
    ])('allows exactly "localhost" without resolving it (%s)', async (_mode, env) => {
      const resolver = new FakeHostResolver({ localhost: ['127.0.0.1'] });
      const guard = urlGuardFor(env, resolver);

      expect(await guard.checkRegistrationUrl('http://localhost:8000')).toEqual({ ok: true });
      expect(await guard.checkRegistrationUrl('http://LOCALHOST:8000/')).toEqual({ ok: true });
      expect(resolver.calls).toEqual([]);
    });

    it('resolves look-alikes of localhost like any other name', async () => {
      const resolver = new FakeHostResolver({
        'localhost.': ['127.0.0.1'],
        'localhost.evil.test': ['::1'],
      });
      const guard = urlGuardFor(STRICT, resolver);

      expect(await guard.checkRegistrationUrl('http://localhost./')).toEqual({
        ok: false,
        reason: 'hostname "localhost." resolves to a blocked address (loopback)',
      });
      expect(await guard.checkRegistrationUrl('http://localhost.evil.test/')).toEqual({
        ok: false,
        reason: 'hostname "localhost.evil.test" resolves to a blocked address (loopback)',
      });
    });

    it('says which range an IP literal falls in', async () => {
      const guard = urlGuardFor(STRICT);

      expect(await guard.checkRegistrationUrl('http://10.0.0.1:8000')).toEqual({
        ok: false,
        reason: 'forbidden private IP 10.0.0.1',
      });
      expect(await guard.checkRegistrationUrl('http://[::ffff:169.254.169.254]/')).toEqual({
        ok: false,
        reason: 'forbidden link-local IP 169.254.169.254',
      });
      expect(await guard.checkRegistrationUrl('http://[2001:db8::5]/')).toEqual({
        ok: false,
        reason: 'forbidden documentation IP 2001:db8::5',
      });
      expect(await guard.checkRegistrationUrl('http://239.1.2.3/')).toEqual({
        ok: false,
        reason: 'forbidden multicast IP 239.1.2.3',
      });
    });

    it('ignores MOLECULE_ENV: dev mode relaxes neither loopback nor the private ranges', async () => {
      const resolver = new FakeHostResolver({ 'bridge.test': ['172.18.0.5'] });
      const guard = urlGuardFor(DEV, resolver);

      expect(await guard.checkRegistrationUrl('http://127.0.0.1:8000')).toEqual({
        ok: false,
        reason: 'forbidden loopback IP 127.0.0.1',
      });
      expect(await guard.checkRegistrationUrl('http://10.0.0.1:8000')).toEqual({
        ok: false,
        reason: 'forbidden private IP 10.0.0.1',
      });
      expect(await guard.checkRegistrationUrl('http://bridge.test:8000')).toEqual({
        ok: false,
        reason: 'hostname "bridge.test" resolves to a blocked address (private)',
      });
    });
  });

  describe('checkOutboundUrl', () => {
    it('resolves "localhost" like any other name and judges what it resolves to', async () => {
      const resolver = new FakeHostResolver({ localhost: ['127.0.0.1', '::1'] });

      expect(
        await urlGuardFor(STRICT, resolver).checkOutboundUrl('http://localhost:8000/'),
      ).toEqual({
        ok: false,
        reason: 'hostname "localhost" resolves to a blocked address (loopback)',
      });
      expect(await urlGuardFor(SAAS, resolver).checkOutboundUrl('http://localhost:8000/')).toEqual({
        ok: false,
        reason: 'hostname "localhost" resolves to a blocked address (loopback)',
      });
      expect(await urlGuardFor(DEV, resolver).checkOutboundUrl('http://localhost:8000/')).toEqual({
        ok: true,
      });
      expect(resolver.calls).toEqual(['localhost', 'localhost', 'localhost']);
    });

    it('says which class an IP literal falls in', async () => {
      const guard = urlGuardFor(STRICT);

      expect(await guard.checkOutboundUrl('http://0.0.0.0:8000/')).toEqual({
        ok: false,
        reason: 'forbidden unspecified IP 0.0.0.0',
      });
      expect(await guard.checkOutboundUrl('http://[::1]:8000/')).toEqual({
        ok: false,
        reason: 'forbidden loopback IP ::1',
      });
      expect(await guard.checkOutboundUrl('http://224.0.0.251/')).toEqual({
        ok: false,
        reason: 'forbidden link-local multicast IP 224.0.0.251',
      });
      expect(await guard.checkOutboundUrl('http://[ff01::1]/')).toEqual({
        ok: false,
        reason: 'forbidden interface-local multicast IP ff01::1',
      });
      expect(await guard.checkOutboundUrl('http://100.64.0.1/')).toEqual({
        ok: false,
        reason: 'forbidden CGNAT IP 100.64.0.1',
      });
      expect(await guard.checkOutboundUrl('http://[fc00::1]/')).toEqual({
        ok: false,
        reason: 'forbidden unique-local IP fc00::1',
      });
    });

    it('relaxes loopback in dev mode only: SaaS alone still blocks it, SaaS plus dev allows it', async () => {
      const saasDev = urlGuardFor({ ...SAAS, ...DEV });

      expect(await urlGuardFor(SAAS).checkOutboundUrl('http://127.0.0.1:8000/')).toEqual({
        ok: false,
        reason: 'forbidden loopback IP 127.0.0.1',
      });
      expect(await saasDev.checkOutboundUrl('http://127.0.0.1:8000/')).toEqual({ ok: true });
      expect(await saasDev.checkOutboundUrl('http://[::1]:8000/')).toEqual({ ok: true });
      expect(await saasDev.checkOutboundUrl('http://10.1.2.3:8000/')).toEqual({ ok: true });
      expect(await saasDev.checkOutboundUrl('http://169.254.169.254/')).toEqual({
        ok: false,
        reason: 'forbidden link-local IP 169.254.169.254',
      });
    });

    it('dev mode ignores ADMIN_TOKEN (unlike the auth hatch)', async () => {
      const guard = urlGuardFor({ ...DEV, ADMIN_TOKEN: 'secret' });

      expect(await guard.checkOutboundUrl('http://127.0.0.1:8000/')).toEqual({ ok: true });
    });
  });
});
