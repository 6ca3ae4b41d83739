import { Test } from '@nestjs/testing';
import { ConfigModule } from '../../config/config.module';
import { loadConfig } from '../../config/load-config';
import { DeployMode } from './deploy-mode';
import { DnsHostResolver, HostResolver } from './host-resolver';
import { SsrfModule } from './ssrf.module';
import { FakeHostResolver } from './testing/fake-host-resolver';
import { UrlGuard } from './url-guard';

const compile = (env: Record<string, string>, resolver?: HostResolver) => {
  const builder = Test.createTestingModule({
    imports: [ConfigModule.forRoot(loadConfig(env).config), SsrfModule],
  });
  if (resolver) builder.overrideProvider(HostResolver).useValue(resolver);
  return builder.compile();
};

describe('SsrfModule', () => {
  it('wires the guard to the real DNS resolver by default and one DeployMode per app', async () => {
    const moduleRef = await compile({ MOLECULE_DEPLOY_MODE: 'saas' });

    expect(moduleRef.get(HostResolver)).toBeInstanceOf(DnsHostResolver);
    expect(moduleRef.get(DeployMode).isSaas).toBe(true);
    expect(moduleRef.get(UrlGuard)).toBeInstanceOf(UrlGuard);
  });

  it('lets a test swap the resolver, and the guard uses the app config', async () => {
    const resolver = new FakeHostResolver({ 'ws-abc.internal': ['172.18.0.5'] });
    const saas = (await compile({ MOLECULE_ORG_ID: 'org-1' }, resolver)).get(UrlGuard);
    const strict = (await compile({}, resolver)).get(UrlGuard);

    expect(await saas.checkOutboundUrl('http://ws-abc.internal:8000')).toEqual({ ok: true });
    expect(await strict.checkOutboundUrl('http://ws-abc.internal:8000')).toEqual({
      ok: false,
      reason: 'hostname "ws-abc.internal" resolves to a blocked address (private)',
    });
  });
});
