import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigModule } from '../../config/config.module';
import { loadConfig } from '../../config/load-config';
import { TemplateCatalog } from './template-catalog';
import { TemplatesModule } from './templates.module';

const HERMES = `
name: Hermes Agent
description: Nous Hermes
tier: 2
runtime: hermes
skills: [web-search, code]
runtime_config:
  model: nousresearch/hermes-4-70b
  provision_timeout_seconds: 720
  required_env: [OPENROUTER_API_KEY]
  models:
    - id: nousresearch/hermes-4-70b
      name: Hermes 4 70B
      required_env: [OPENROUTER_API_KEY]
    - id: local/hermes
`;

const LEGACY = `
name: Legacy
description: Old style
tier: 1
model: anthropic:claude-opus-4-7
`;

describe('TemplateCatalog', () => {
  let root: string;
  let catalog: TemplateCatalog;
  let warnings: string[];

  const write = (relative: string, text: string) => {
    const file = path.join(root, relative);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const catalogFor = (dir: string) => new TemplateCatalog(loadConfig({ CONFIGS_DIR: dir }).config);

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-templates-'));
    catalog = catalogFor(root);
    warnings = [];
    jest.spyOn(Logger.prototype, 'warn').mockImplementation((...args: unknown[]) => {
      warnings.push(String(args[0]));
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    fs.rmSync(root, { recursive: true, force: true });
  });

  describe('list', () => {
    it('summarises each template with the §5.1 keys', () => {
      write('hermes/config.yaml', HERMES);
      expect(catalog.list()).toStrictEqual([
        {
          id: 'hermes',
          name: 'Hermes Agent',
          description: 'Nous Hermes',
          tier: 2,
          runtime: 'hermes',
          model: 'nousresearch/hermes-4-70b',
          models: [
            {
              id: 'nousresearch/hermes-4-70b',
              name: 'Hermes 4 70B',
              required_env: ['OPENROUTER_API_KEY'],
            },
            { id: 'local/hermes' },
          ],
          required_env: ['OPENROUTER_API_KEY'],
          skills: ['web-search', 'code'],
          skill_count: 2,
          provision_timeout_seconds: 720,
        },
      ]);
    });

    it('omits empty optional keys and reports absent skills as null', () => {
      write('legacy/config.yaml', LEGACY);
      const [legacy] = catalog.list();
      expect(JSON.stringify(legacy)).toBe(
        '{"id":"legacy","name":"Legacy","description":"Old style","tier":1,"runtime":"",' +
          '"model":"anthropic:claude-opus-4-7","skills":null,"skill_count":0}',
      );
    });

    it('omits explicitly empty lists and a zero timeout, but keeps an empty skills list', () => {
      write(
        'empty/config.yaml',
        'name: E\nskills: []\nruntime_config:\n  models: []\n  required_env: []\n  provision_timeout_seconds: 0\n',
      );
      const [summary] = catalog.list();
      expect(Object.keys(summary)).toEqual([
        'id',
        'name',
        'description',
        'tier',
        'runtime',
        'model',
        'skills',
        'skill_count',
      ]);
      expect(summary.skills).toEqual([]);
    });

    it('prefers the top-level model over runtime_config.model', () => {
      write('both/config.yaml', 'model: top\nruntime_config:\n  model: nested\n');
      expect(catalog.list()[0].model).toBe('top');
    });

    it('lists in filename order and skips stray files and dirs without config.yaml', () => {
      write('zeta/config.yaml', 'name: Z\n');
      write('alpha/config.yaml', 'name: A\n');
      write('no-config/README.md', '# nothing\n');
      write('stray.yaml', 'name: stray\n');
      write('config.yaml', 'name: root\n');
      expect(catalog.list().map((t) => t.id)).toEqual(['alpha', 'zeta']);
    });

    it('skips malformed YAML with a warning and keeps the rest', () => {
      write('broken/config.yaml', 'name: [unclosed\n');
      write('ok/config.yaml', 'name: OK\n');
      expect(catalog.list().map((t) => t.id)).toEqual(['ok']);
      expect(warnings).toEqual([expect.stringMatching(/^skipping template "broken": /)]);
    });

    it('skips a config whose fields have the wrong type', () => {
      write('list-root/config.yaml', '- a\n- b\n');
      write('bad-tier/config.yaml', 'tier: high\n');
      write('bad-skills/config.yaml', 'skills: web-search\n');
      write('bad-model/config.yaml', 'runtime_config:\n  models: [plain-string]\n');
      write('ok/config.yaml', 'name: 42\ntier: 2.9\n');
      expect(catalog.list()).toStrictEqual([
        {
          id: 'ok',
          name: '42',
          description: '',
          tier: 2,
          runtime: '',
          model: '',
          skills: null,
          skill_count: 0,
        },
      ]);
    });

    it('lists an empty config.yaml with zero values', () => {
      write('blank/config.yaml', '');
      expect(catalog.list()).toStrictEqual([
        {
          id: 'blank',
          name: '',
          description: '',
          tier: 0,
          runtime: '',
          model: '',
          skills: null,
          skill_count: 0,
        },
      ]);
    });

    it('returns [] for an empty or missing templates dir', () => {
      expect(catalog.list()).toEqual([]);
      expect(catalogFor(path.join(root, 'absent')).list()).toEqual([]);
    });

    it('re-reads the directory on every call', () => {
      expect(catalog.list()).toEqual([]);
      write('late/config.yaml', 'name: Late\n');
      expect(catalog.list().map((t) => t.id)).toEqual(['late']);
    });
  });

  describe('provisionTimeoutMs', () => {
    it('maps a declared runtime and leaves undeclared ones out', () => {
      write('hermes/config.yaml', HERMES);
      write('claude-code/config.yaml', 'runtime: claude-code\n');
      expect(catalog.provisionTimeoutMs('hermes')).toBe(720_000);
      expect(catalog.provisionTimeoutMs('claude-code')).toBeUndefined();
      expect(catalog.provisionTimeoutMs('unknown')).toBeUndefined();
    });

    it('takes the maximum when templates share a runtime', () => {
      write(
        'a/config.yaml',
        'runtime: hermes\nruntime_config:\n  provision_timeout_seconds: 900\n',
      );
      write(
        'b/config.yaml',
        'runtime: hermes\nruntime_config:\n  provision_timeout_seconds: 300\n',
      );
      expect(catalog.provisionTimeoutMs('hermes')).toBe(900_000);
    });

    it('skips missing runtimes, non-positive timeouts, bad YAML and stray files', () => {
      write('no-runtime/config.yaml', 'runtime_config:\n  provision_timeout_seconds: 60\n');
      write('zero/config.yaml', 'runtime: zero\nruntime_config:\n  provision_timeout_seconds: 0\n');
      write(
        'negative/config.yaml',
        'runtime: neg\nruntime_config:\n  provision_timeout_seconds: -5\n',
      );
      write('broken/config.yaml', 'runtime: broken\nruntime_config: [\n');
      write('stray.yaml', 'runtime: stray\nruntime_config:\n  provision_timeout_seconds: 60\n');
      for (const runtime of ['', 'zero', 'neg', 'broken', 'stray']) {
        expect(catalog.provisionTimeoutMs(runtime)).toBeUndefined();
      }
    });

    it('is not hidden by a bad type in a field it does not read', () => {
      write(
        'h/config.yaml',
        'runtime: hermes\ntier: high\nruntime_config:\n  provision_timeout_seconds: 60\n',
      );
      expect(catalog.list()).toEqual([]);
      expect(catalog.provisionTimeoutMs('hermes')).toBe(60_000);
    });

    it('returns nothing when the templates dir is missing', () => {
      expect(catalogFor(path.join(root, 'absent')).provisionTimeoutMs('hermes')).toBeUndefined();
    });

    it('reads the templates once, on first use, per instance', () => {
      const file = 'hermes/config.yaml';
      write(file, 'runtime: hermes\nruntime_config:\n  provision_timeout_seconds: 100\n');
      expect(catalog.provisionTimeoutMs('hermes')).toBe(100_000);

      write(file, 'runtime: hermes\nruntime_config:\n  provision_timeout_seconds: 999\n');
      write(
        'later/config.yaml',
        'runtime: later\nruntime_config:\n  provision_timeout_seconds: 5\n',
      );
      expect(catalog.provisionTimeoutMs('hermes')).toBe(100_000);
      expect(catalog.provisionTimeoutMs('later')).toBeUndefined();

      expect(catalogFor(root).provisionTimeoutMs('hermes')).toBe(999_000);
    });

    it('does not read anything before first use', () => {
      const lazy = catalogFor(root);
      write(
        'hermes/config.yaml',
        'runtime: hermes\nruntime_config:\n  provision_timeout_seconds: 7\n',
      );
      expect(lazy.provisionTimeoutMs('hermes')).toBe(7_000);
    });
  });

  describe('resolveTemplateDir', () => {
    it('resolves inside the templates dir and refuses escapes', () => {
      expect(catalog.resolveTemplateDir('hermes')).toBe(path.join(root, 'hermes'));
      expect(catalog.resolveTemplateDir('../hermes')).toBeNull();
      expect(catalog.resolveTemplateDir('/etc')).toBeNull();
    });
  });

  describe('findByWorkspaceName', () => {
    it('matches the directory named after the workspace, then a config name', () => {
      write('research-lead/config.yaml', 'name: Something else\n');
      write('hermes/config.yaml', HERMES);
      write('ws-abc/config.yaml', 'name: Legacy\n');
      write('zz-legacy/config.yaml', LEGACY);
      expect(catalog.findByWorkspaceName('Research Lead')).toBe(path.join(root, 'research-lead'));
      expect(catalog.findByWorkspaceName('hermes agent')).toBe(path.join(root, 'hermes'));
      expect(catalog.findByWorkspaceName('LEGACY')).toBe(path.join(root, 'zz-legacy'));
      expect(catalog.findByWorkspaceName('Nobody')).toBeNull();
    });
  });

  it('is provided by TemplatesModule', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(loadConfig({ CONFIGS_DIR: root }).config), TemplatesModule],
    })
      .useMocker(() => ({}))
      .compile();
    write('t/config.yaml', 'name: T\n');
    expect(
      moduleRef
        .get(TemplateCatalog)
        .list()
        .map((t) => t.id),
    ).toEqual(['t']);
  });
});
