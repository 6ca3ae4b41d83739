import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import type { FileEntry } from '../provisioner/workspace-file-store';
import { resolveInsideRoot } from '../common/fs/contained-path';
import { normalizeTemplateName } from './template-name';

/** Names the template walk leaves out entirely (spec 07 §2). */
const SKIPPED = new Set(['.git', '.DS_Store', '__pycache__', 'node_modules']);

export type TemplateRead =
  | { readonly kind: 'file'; readonly bytes: Buffer }
  | { readonly kind: 'missing' }
  | { readonly kind: 'too-large' };

/**
 * The template directory a workspace was named after, read when its own files cannot be
 * reached (no container, no volume, or a control-plane workspace) — spec 07 §1.4.
 */
@Injectable()
export class TemplateFiles {
  constructor(private readonly config: AppConfig) {}

  /**
   * `<normalised name>`, else `<name lower-cased, spaces to hyphens>`, else the first template
   * (not `ws-*`) whose config.yaml's first `name:` line is the name; else none.
   */
  async dirFor(workspaceName: string): Promise<string | null> {
    const root = this.config.configsDir;
    for (const candidate of [
      normalizeTemplateName(workspaceName),
      workspaceName.toLowerCase().replaceAll(' ', '-'),
    ]) {
      const dir = childDir(root, candidate);
      if (dir && (await isDirectory(dir))) return dir;
    }
    let names: string[];
    try {
      names = (await fs.readdir(root, { withFileTypes: true }))
        .filter((e) => e.isDirectory() && !e.name.startsWith('ws-'))
        .map((e) => e.name)
        .sort();
    } catch {
      return null;
    }
    for (const name of names) {
      const declared = await firstNameLine(path.join(root, name, 'config.yaml'));
      if (declared !== undefined && declared.toLowerCase() === workspaceName.toLowerCase())
        return path.join(root, name);
    }
    return null;
  }

  /** A lexical walk of `<dir>/<sub>` down to `depth` levels; `[]` when it does not exist. */
  async list(dir: string, sub: string, depth: number): Promise<FileEntry[]> {
    const top = sub === '' ? dir : resolveInsideRoot(dir, sub);
    if (!top) return [];
    const entries: FileEntry[] = [];
    const walk = async (current: string, level: number): Promise<void> => {
      let children: string[];
      try {
        children = (await fs.readdir(current)).sort();
      } catch {
        return;
      }
      for (const name of children) {
        if (SKIPPED.has(name)) continue;
        const full = path.join(current, name);
        const stat = await fs.lstat(full).catch(() => undefined);
        if (!stat) continue;
        entries.push({ path: path.relative(top, full), size: stat.size, dir: stat.isDirectory() });
        if (stat.isDirectory() && level < depth) await walk(full, level + 1);
      }
    };
    await walk(top, 1);
    return entries;
  }

  /** One file of the template, refusing anything over `maxBytes`. */
  async read(dir: string, rel: string, maxBytes: number): Promise<TemplateRead> {
    const file = resolveInsideRoot(dir, rel);
    if (!file) return { kind: 'missing' };
    try {
      const stat = await fs.stat(file);
      if (!stat.isFile()) return { kind: 'missing' };
      if (stat.size > maxBytes) return { kind: 'too-large' };
      return { kind: 'file', bytes: await fs.readFile(file) };
    } catch {
      return { kind: 'missing' };
    }
  }
}

/** `root/<name>` when `name` is one plain path element. */
function childDir(root: string, name: string): string | null {
  const dir = resolveInsideRoot(root, name);
  return dir && path.dirname(dir) === path.resolve(root) ? dir : null;
}

async function isDirectory(dir: string): Promise<boolean> {
  return (await fs.stat(dir).catch(() => undefined))?.isDirectory() ?? false;
}

/** The value of the first line starting `name:` (quotes kept, as the reference reads it). */
async function firstNameLine(file: string): Promise<string | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return undefined;
  }
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('name:')) return line.slice('name:'.length).trim();
  }
  return undefined;
}
