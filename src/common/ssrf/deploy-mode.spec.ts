import { Logger } from '@nestjs/common';
import { loadConfig } from '../../config/load-config';
import { decideSaasMode, DeployMode } from './deploy-mode';

const deployModeFor = (env: Record<string, string>) => new DeployMode(loadConfig(env).config);

describe('decideSaasMode (§11.1 ladder)', () => {
  it.each([
    // explicit SaaS, any case and padding
    ['saas', '', true],
    ['SaaS', '', true],
    ['SAAS', '', true],
    ['  saas\t', '', true],
    // explicit strict values win over a legacy org id
    ['self-hosted', 'org-123', false],
    ['selfhosted', 'org-123', false],
    ['standalone', 'org-123', false],
    [' Self-Hosted ', 'org-123', false],
    ['STANDALONE', '', false],
    // blank falls through to the org id
    ['', 'org-123', true],
    ['   ', 'org-123', true],
    ['', '', false],
    ['', '   ', false],
    ['  ', '', false],
  ])('deploy mode %j, org id %j → SaaS %s', (deployMode, orgId, saas) => {
    expect(decideSaasMode(deployMode, orgId)).toEqual({ saas });
  });

  it.each(['prod', 'SaaS-mode', 'production', 'self_hosted', ' cloud '])(
    'an unrecognised value %j falls closed, even with an org id',
    (deployMode) => {
      expect(decideSaasMode(deployMode, 'org-123')).toEqual({
        saas: false,
        unrecognised: deployMode.trim(),
      });
    },
  );
});

describe('DeployMode', () => {
  let warn: jest.SpyInstance;
  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });
  afterEach(() => warn.mockRestore());

  it('reads MOLECULE_DEPLOY_MODE and MOLECULE_ORG_ID from the app config', () => {
    expect(deployModeFor({ MOLECULE_DEPLOY_MODE: 'saas' }).isSaas).toBe(true);
    expect(deployModeFor({ MOLECULE_ORG_ID: ' org-123 ' }).isSaas).toBe(true);
    expect(
      deployModeFor({ MOLECULE_DEPLOY_MODE: 'standalone', MOLECULE_ORG_ID: 'org-123' }).isSaas,
    ).toBe(false);
    expect(deployModeFor({}).isSaas).toBe(false);
    expect(warn).not.toHaveBeenCalled();
  });

  it('warns once per instance about an unrecognised deploy mode, however often it is read', () => {
    const first = deployModeFor({ MOLECULE_DEPLOY_MODE: ' prod ', MOLECULE_ORG_ID: 'org-123' });
    for (let i = 0; i < 5; i++) expect(first.isSaas).toBe(false);

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn).toHaveBeenCalledWith(
      { deployMode: 'prod' },
      'unrecognised MOLECULE_DEPLOY_MODE "prod"; using strict (self-hosted) SSRF rules',
    );

    // A second app in the same process has its own instance and its own warning.
    deployModeFor({ MOLECULE_DEPLOY_MODE: 'SaaS-mode' });
    expect(warn).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['development', true],
    ['dev', true],
    ['Development', true],
    ['DEV', true],
    ['  development  ', true],
    ['production', false],
    ['staging', false],
    ['', false],
    ['devel', false],
  ])('MOLECULE_ENV=%j → dev mode %s', (moleculeEnv, dev) => {
    expect(deployModeFor({ MOLECULE_ENV: moleculeEnv }).isDev).toBe(dev);
  });

  it('dev mode ignores ADMIN_TOKEN', () => {
    expect(deployModeFor({ MOLECULE_ENV: 'development', ADMIN_TOKEN: 'secret' }).isDev).toBe(true);
  });
});
