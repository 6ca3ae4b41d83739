import { mock } from 'jest-mock-extended';
import { AppConfig } from '../../config/app-config';
import { TemplateCatalog } from '../../workspaces/templates/template-catalog';
import { ProvisionTimeoutPolicy } from './provision-timeout-policy';

function policy(override: number | undefined, templateSeconds: Record<string, number> = {}) {
  const templates = mock<TemplateCatalog>();
  templates.provisionTimeoutMs.mockImplementation((runtime) =>
    templateSeconds[runtime] === undefined ? undefined : templateSeconds[runtime] * 1000,
  );
  const config = { provisionTimeoutOverrideSeconds: override } as AppConfig;
  return { policy: new ProvisionTimeoutPolicy(config, templates), templates };
}

describe('ProvisionTimeoutPolicy', () => {
  it('gives hermes 30 minutes and every other runtime 10', () => {
    const { policy: p } = policy(undefined);
    expect(p.timeoutSeconds('hermes')).toBe(1800);
    expect(p.timeoutSeconds('langgraph')).toBe(600);
    expect(p.timeoutSeconds('claude-code')).toBe(600);
    expect(p.timeoutSeconds('')).toBe(600);
  });

  it('uses the templates’ declared timeout for their runtime, longer or shorter', () => {
    const { policy: p } = policy(undefined, { 'claude-code': 1200, hermes: 900 });
    expect(p.timeoutSeconds('claude-code')).toBe(1200);
    expect(p.timeoutSeconds('hermes')).toBe(900);
    expect(p.timeoutSeconds('crewai')).toBe(600);
  });

  it('looks up a workspace without a runtime as langgraph', () => {
    const { policy: p, templates } = policy(undefined, { langgraph: 240 });
    expect(p.timeoutSeconds('')).toBe(240);
    expect(templates.provisionTimeoutMs).toHaveBeenCalledWith('langgraph');
  });

  it('PROVISION_TIMEOUT_SECONDS overrides every runtime, templates included', () => {
    const { policy: p } = policy(45, { 'claude-code': 1200 });
    expect(p.timeoutSeconds('hermes')).toBe(45);
    expect(p.timeoutSeconds('claude-code')).toBe(45);
    expect(p.timeoutSeconds('')).toBe(45);
  });
});
