import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { loadOrgYaml, ORG_YAML_LIMITS, OrgYamlError, OrgYamlMissingError } from './org-yaml';

describe('loadOrgYaml', () => {
  let base: string;
  let root: string;
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  };
  const load = () => loadOrgYaml(root, 'org.yaml');
  const failure = () => {
    try {
      load();
    } catch (err) {
      expect(err).toBeInstanceOf(OrgYamlError);
      return (err as Error).message;
    }
    throw new Error('expected an OrgYamlError');
  };

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-org-yaml-'));
    root = path.join(base, 'team');
    fs.mkdirSync(root);
    fs.writeFileSync(path.join(base, 'secret.yaml'), 'password: hunter2\n');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  it('decodes a template without includes as plain YAML', () => {
    const text = 'name: Team\nworkspaces:\n  - name: PM\n    tier: 2\n';
    write('org.yaml', text);
    expect(load()).toEqual(parse(text));
  });

  it('replaces a list item with the included mapping', () => {
    write('org.yaml', 'name: T\nworkspaces:\n  - !include pm.yaml\n  - name: Dev\n');
    write('pm.yaml', 'name: PM\nrole: plans\n');
    expect(load()).toEqual({
      name: 'T',
      workspaces: [{ name: 'PM', role: 'plans' }, { name: 'Dev' }],
    });
  });

  it('nests an included sequence instead of splicing it', () => {
    write('org.yaml', 'workspaces:\n  - !include many.yaml\n');
    write('many.yaml', '- name: A\n- name: B\n');
    expect(load()).toEqual({ workspaces: [[{ name: 'A' }, { name: 'B' }]] });
  });

  it('resolves nested includes against the including file, siblings allowed', () => {
    write('org.yaml', 'workspaces:\n  - !include teams/eng.yaml\n');
    write('teams/eng.yaml', 'name: Eng\nchildren:\n  - !include ../roles/dev.yaml\n');
    write('roles/dev.yaml', 'name: Dev\n');
    expect(load()).toEqual({ workspaces: [{ name: 'Eng', children: [{ name: 'Dev' }] }] });
  });

  it('includes an empty file as null', () => {
    write('org.yaml', 'defaults: !include empty.yaml\n');
    write('empty.yaml', '');
    expect(load()).toEqual({ defaults: null });
  });

  it.each([
    ['../secret.yaml', 'path escapes root'],
    ['../../secret.yaml', 'path escapes root'],
    ['teams/../../secret.yaml', 'path escapes root'],
  ])('refuses %p: %s', (target, reason) => {
    write('org.yaml', `workspaces:\n  - !include ${target}\n`);
    expect(failure()).toBe(`!include "${target}" at line 2: ${reason}`);
  });

  it('refuses an absolute path', () => {
    write('org.yaml', `x: !include ${path.join(base, 'secret.yaml')}\n`);
    expect(failure()).toMatch(/path escapes root/);
  });

  it('refuses a link that points out of the template', () => {
    fs.symlinkSync(path.join(base, 'secret.yaml'), path.join(root, 'inner.yaml'));
    write('org.yaml', 'x: !include inner.yaml\n');
    expect(failure()).toBe('!include "inner.yaml" at line 1: path escapes root');
    fs.symlinkSync(base, path.join(root, 'up'));
    write('org.yaml', 'x: !include up/secret.yaml\n');
    expect(failure()).toMatch(/path escapes root/);
  });

  it('refuses an org.yaml that is itself a link out', () => {
    fs.symlinkSync(path.join(base, 'secret.yaml'), path.join(root, 'org.yaml'));
    expect(failure()).toMatch(/escapes root/);
  });

  it('reports an empty path, a missing file and a parse error', () => {
    write('org.yaml', 'x: !include ""\n');
    expect(failure()).toBe('!include at line 1: empty path');
    write('org.yaml', 'x: !include nope.yaml\n');
    expect(failure()).toBe('!include "nope.yaml" at line 1: not found');
    write('org.yaml', 'x: !include bad.yaml\n');
    write('bad.yaml', 'a: [unclosed\n');
    expect(failure()).toMatch(/^!include "bad.yaml": parse: /);
  });

  it('detects cycles', () => {
    write('org.yaml', 'x: !include a.yaml\n');
    write('a.yaml', 'y: !include b.yaml\n');
    write('b.yaml', 'z: !include a.yaml\n');
    expect(failure()).toMatch(/cycle detected at "a.yaml"/);
    write('self.yaml', 'me: !include self.yaml\n');
    write('org.yaml', 'x: !include self.yaml\n');
    expect(failure()).toMatch(/cycle/);
  });

  it('caps include depth', () => {
    for (let i = 0; i < 20; i++) write(`d${i}.yaml`, `next: !include d${i + 1}.yaml\n`);
    write('d20.yaml', 'end: true\n');
    write('org.yaml', 'x: !include d0.yaml\n');
    expect(failure()).toBe(
      `!include: max depth ${ORG_YAML_LIMITS.maxIncludeDepth} exceeded (possible cycle)`,
    );
  });

  it('caps include fan-out (a diamond of includes)', () => {
    // Each level includes the next twice: 2^10 expansions without any cycle.
    for (let i = 0; i < 10; i++)
      write(`f${i}.yaml`, `- !include f${i + 1}.yaml\n- !include f${i + 1}.yaml\n`);
    write('f10.yaml', 'leaf\n');
    write('org.yaml', 'x: !include f0.yaml\n');
    expect(failure()).toMatch(/more than 256 includes/);
  });

  it('refuses a billion-laughs alias bomb', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, prev] of [
      ['b', 'a'],
      ['c', 'b'],
      ['d', 'c'],
      ['e', 'd'],
      ['f', 'e'],
      ['g', 'f'],
    ]) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    write('org.yaml', `${lines.join('\n')}\n`);
    expect(failure()).toMatch(/resource exhaustion/);
  });

  it('refuses a file over the size limit', () => {
    write('org.yaml', `name: x\npad: "${'x'.repeat(ORG_YAML_LIMITS.maxFileBytes)}"\n`);
    expect(failure()).toMatch(/too large/);
  });

  it('refuses documents nested too deeply', () => {
    const depth = ORG_YAML_LIMITS.maxNesting + 5;
    write('org.yaml', `x: ${'['.repeat(depth)}1${']'.repeat(depth)}\n`);
    expect(failure()).toMatch(/nests deeper/);
  });

  it('refuses !include on a collection', () => {
    write('org.yaml', 'x: !include [a.yaml]\n');
    expect(failure()).toMatch(/expects a path/);
  });

  it('tells a missing org.yaml apart', () => {
    expect(() => load()).toThrow(OrgYamlMissingError);
  });
});
