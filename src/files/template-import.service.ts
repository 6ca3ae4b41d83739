import { Injectable, Logger } from '@nestjs/common';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { badRequest, conflict, internalError } from '../common/http/api-error';
import { AppConfig } from '../config/app-config';
import { cleanRelativePath } from './file-paths';
import { normalizeTemplateName } from './template-name';

export interface ImportedTemplate {
  readonly status: 'imported';
  readonly id: string;
  readonly name: string;
}

/**
 * `POST /templates/import` (spec 07 §8): an agent folder becomes a template directory under
 * `CONFIGS_DIR`, whole or not at all — every key is checked before the directory is created,
 * and a failed write removes it again.
 */
@Injectable()
export class TemplateImportService {
  private readonly logger = new Logger(TemplateImportService.name);

  constructor(private readonly config: AppConfig) {}

  async import(name: string, files: Record<string, string>): Promise<ImportedTemplate> {
    const id = normalizeTemplateName(name);
    // A name no file system can hold is the caller's mistake (400), not a failed mkdir (500).
    if (!fitsFileSystem(id)) throw badRequest('invalid request body');
    const dir = path.join(this.config.configsDir, id);
    if (await exists(dir)) throw conflict('template already exists', { id });

    // Keys that clean to the same path (`a/./b`, `a/b`) name one file: the later one wins.
    const entries = new Map<string, string>();
    for (const [key, content] of Object.entries(files)) {
      const rel = cleanRelativePath(key);
      if (rel === null || !fitsFileSystem(rel)) throw badRequest('invalid request body');
      entries.set(rel, content);
    }
    if (!entries.has('config.yaml'))
      entries.set('config.yaml', defaultConfig(name, [...entries.keys()]));

    await this.createDir(dir, id);
    try {
      for (const [rel, content] of entries) await this.writeNew(dir, rel, content);
    } catch (err) {
      await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    return { status: 'imported', id, name };
  }

  /** Created here and now: a concurrent import of the same name gets the 409. */
  private async createDir(dir: string, id: string): Promise<void> {
    try {
      await fs.mkdir(this.config.configsDir, { recursive: true });
      await fs.mkdir(dir, { mode: 0o755 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw conflict('template already exists', { id });
      this.logger.error({ err, id }, 'template directory could not be created');
      throw internalError('failed to create template directory');
    }
  }

  /** One new file (0600) under `dir`, parents 0755; failure → 500 `failed to write <rel>`. */
  private async writeNew(dir: string, rel: string, content: string): Promise<void> {
    const file = path.join(dir, rel);
    try {
      await fs.mkdir(path.dirname(file), { recursive: true, mode: 0o755 });
      await fs.writeFile(file, content, { mode: 0o600, flag: 'wx' });
    } catch (err) {
      this.logger.error({ err, rel }, 'template file write failed');
      throw internalError(`failed to write ${rel}`);
    }
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(
    () => true,
    () => false,
  );
}

/**
 * The config.yaml of an imported folder that brought none. Every user-supplied string is a
 * double-quoted scalar (JSON escaping is valid YAML), so no name can add keys.
 */
export function defaultConfig(name: string, keys: readonly string[]): string {
  const q = (s: string) => JSON.stringify(s);
  const promptFiles = keys.filter((k) => !k.includes('/') && k.endsWith('.md')).sort();
  const skills = keys
    .map((k) => /^skills\/([^/]+)\/SKILL\.md$/.exec(k)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
  const list = (items: string[]) => items.map((i) => `\n  - ${q(i)}`).join('');
  return [
    `name: ${q(name)}`,
    'description: Imported agent',
    'version: 1.0.0',
    'tier: 3',
    'model: anthropic:claude-haiku-4-5-20251001',
    '',
    `prompt_files:${list(promptFiles.length > 0 ? promptFiles : ['system-prompt.md'])}`,
    '',
    skills.length > 0 ? `skills:${list(skills)}` : 'skills: []',
    '',
    'tools: []',
    '',
    'a2a:',
    '  port: 8000',
    '  streaming: true',
    '  push_notifications: true',
    '',
    'env:',
    '  required:',
    '    - ANTHROPIC_API_KEY',
    '  optional: []',
    '',
  ].join('\n');
}

/** Linux's limits: 255 bytes a name, and room left under PATH_MAX for the configs directory. */
const NAME_MAX = 255;
const RELATIVE_PATH_MAX = 2048;

function fitsFileSystem(relative: string): boolean {
  return (
    Buffer.byteLength(relative) <= RELATIVE_PATH_MAX &&
    relative.split('/').every((segment) => Buffer.byteLength(segment) <= NAME_MAX)
  );
}
