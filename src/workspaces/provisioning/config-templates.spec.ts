import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '../../config/load-config';
import { TemplateCatalog } from '../templates/template-catalog';
import { createTemplate, restartTemplate, RestartTemplateRequest } from './config-templates';

describe('config templates', () => {
  let root: string;
  let catalog: TemplateCatalog;

  const write = (dir: string, config?: string) => {
    fs.mkdirSync(path.join(root, dir), { recursive: true });
    if (config !== undefined) fs.writeFileSync(path.join(root, dir, 'config.yaml'), config);
  };

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'config-templates-'));
    catalog = new TemplateCatalog(loadConfig({ CONFIGS_DIR: root }).config);
    write('reviewer', 'name: Reviewer\n');
    write('langgraph-default', 'runtime: langgraph\n');
    write('ws-abc123', 'name: My Agent\n');
    write('later', 'name: "my agent"\n');
    write('org-templates/acme', 'name: My Agent\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('restartTemplate (spec 04 §5.2)', () => {
    const request = (overrides: Partial<RestartTemplateRequest>): RestartTemplateRequest => ({
      applyTemplate: false,
      rebuildConfig: false,
      workspaceName: 'Reviewer',
      runtime: 'langgraph',
      ...overrides,
    });

    it('a default restart keeps the volume, even when a template matches the name', () => {
      expect(restartTemplate(catalog, request({}))).toEqual({ label: 'existing-volume' });
    });

    it('an explicit template is always honoured, and wins over apply_template', () => {
      expect(restartTemplate(catalog, request({ template: 'reviewer' }))).toEqual({
        template: 'reviewer',
        label: 'reviewer',
      });
      expect(
        restartTemplate(catalog, request({ template: 'langgraph-default', applyTemplate: true })),
      ).toEqual({ template: 'langgraph-default', label: 'langgraph-default' });
    });

    it('apply_template matches the directory named like the workspace', () => {
      expect(restartTemplate(catalog, request({ applyTemplate: true }))).toEqual({
        template: 'reviewer',
        label: 'reviewer',
      });
    });

    it('apply_template matches a config name case-insensitively, skipping ws-* directories', () => {
      expect(
        restartTemplate(catalog, request({ applyTemplate: true, workspaceName: 'My Agent' })),
      ).toEqual({ template: 'later', label: 'later' });
    });

    it('rebuild_config takes the org template of that name', () => {
      expect(
        restartTemplate(catalog, request({ rebuildConfig: true, workspaceName: 'My Agent' })),
      ).toEqual({ template: 'org-templates/acme', label: 'org-templates/acme' });
    });

    it('apply_template without a match falls back to <runtime>-default', () => {
      expect(
        restartTemplate(catalog, request({ applyTemplate: true, workspaceName: 'Nobody' })),
      ).toEqual({ template: 'langgraph-default', label: 'langgraph-default' });
    });

    it('nothing to apply and no runtime default: the existing volume', () => {
      fs.rmSync(path.join(root, 'langgraph-default'), { recursive: true });
      expect(
        restartTemplate(catalog, request({ applyTemplate: true, workspaceName: 'Nobody' })),
      ).toEqual({ label: 'existing-volume' });
    });

    it.each(['../etc', '/etc', 'missing'])('an unusable explicit template %s is ignored', (t) => {
      expect(restartTemplate(catalog, request({ template: t }))).toEqual({
        label: 'existing-volume',
      });
    });

    it('a traversal runtime can select langgraph-default at most', () => {
      write('../outside-default', 'runtime: x\n');
      for (const runtime of ['../outside', '../../tmp', 'langgraph/../..']) {
        expect(
          restartTemplate(
            catalog,
            request({ applyTemplate: true, workspaceName: 'Nobody', runtime }),
          ),
        ).toEqual({ template: 'langgraph-default', label: 'langgraph-default' });
      }
    });
  });

  describe('createTemplate (spec 04 §4.10)', () => {
    it('uses an existing template, else <runtime>-default, else generates', () => {
      expect(createTemplate(catalog, 'reviewer', 'claude-code')).toEqual({ template: 'reviewer' });
      expect(createTemplate(catalog, 'gone', 'langgraph')).toEqual({
        template: 'langgraph-default',
      });
      expect(createTemplate(catalog, 'gone', 'hermes')).toEqual({ generateConfig: true });
      expect(createTemplate(catalog, '', 'langgraph')).toEqual({ generateConfig: true });
    });
  });
});
