import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PROMPT_FILE_MAX_BYTES, PromptRefError, resolvePromptRef } from './prompt-refs';

describe('resolvePromptRef', () => {
  let base: string;
  let root: string;

  beforeEach(() => {
    base = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-prompt-'));
    root = path.join(base, 'org');
    fs.mkdirSync(path.join(root, 'pm'), { recursive: true });
    fs.writeFileSync(path.join(root, 'kickoff.md'), 'Org-level kickoff\r\n');
    fs.writeFileSync(path.join(root, 'pm', 'daily.md'), 'PM daily standup');
    fs.writeFileSync(path.join(base, 'secret.md'), 'outside');
  });

  afterEach(() => fs.rmSync(base, { recursive: true, force: true }));

  const failure = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      expect(err).toBeInstanceOf(PromptRefError);
      return err as PromptRefError;
    }
    throw new Error('expected a PromptRefError');
  };

  it('prefers inline text', () => {
    expect(resolvePromptRef('inline', 'daily.md', root, 'pm')).toBe('inline');
  });

  it('reads the file verbatim from files_dir, or the template dir at defaults level', () => {
    expect(resolvePromptRef('', 'daily.md', root, 'pm')).toBe('PM daily standup');
    expect(resolvePromptRef('', 'kickoff.md', root, '')).toBe('Org-level kickoff\r\n');
  });

  it('returns empty for no text and no file', () => {
    expect(resolvePromptRef('', '', null, '')).toBe('');
  });

  it('refuses a file reference in inline-template mode', () => {
    const err = failure(() => resolvePromptRef('', 'daily.md', null, ''));
    expect(err.message).toContain('inline-template');
    expect(err.kind).toBe('refused');
  });

  it.each([
    ['a .. file ref', '../secret.md', ''],
    ['a deep .. file ref', '../../secret.md', 'pm'],
    ['a files_dir escape', 'secret.md', '..'],
    ['an absolute file ref', '/etc/passwd', ''],
  ])('refuses %s', (_label, file, filesDir) => {
    const err = failure(() => resolvePromptRef('', file, root, filesDir));
    expect(err.kind).toBe('refused');
    expect(err.message).not.toContain(base);
  });

  it('refuses a link out of the template', () => {
    fs.symlinkSync(path.join(base, 'secret.md'), path.join(root, 'pm', 'link.md'));
    expect(failure(() => resolvePromptRef('', 'link.md', root, 'pm')).kind).toBe('refused');
  });

  it('refuses an oversized prompt file', () => {
    fs.writeFileSync(path.join(root, 'huge.md'), 'x'.repeat(PROMPT_FILE_MAX_BYTES + 1));
    const err = failure(() => resolvePromptRef('', 'huge.md', root, ''));
    expect(err).toMatchObject({ kind: 'refused', message: 'prompt file "huge.md" is too large' });
  });

  it('reports a missing file as missing', () => {
    const err = failure(() => resolvePromptRef('', 'nope.md', root, 'pm'));
    expect(err).toMatchObject({ kind: 'missing', message: 'prompt file "pm/nope.md" not found' });
  });
});
