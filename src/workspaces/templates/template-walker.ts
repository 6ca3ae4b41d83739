import { Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDocument } from 'yaml';
import { listSubdirectories } from '../../common/fs/file-tree';

/** One template directory and its parsed `config.yaml` (any YAML value; `null` when empty). */
export interface TemplateConfigFile {
  id: string;
  config: unknown;
}

const logger = new Logger('TemplateCatalog');

/**
 * The single template-discovery rule: every immediate subdirectory of `configsDir`, in
 * filename order, whose `config.yaml` is readable and parses as YAML. A missing or unreadable
 * `configsDir` yields no templates.
 */
export function walkTemplateConfigs(configsDir: string): TemplateConfigFile[] {
  return listSubdirectories(configsDir).flatMap((id) => {
    const file = readTemplateConfig(configsDir, id);
    return file ? [file] : [];
  });
}

function readTemplateConfig(configsDir: string, id: string): TemplateConfigFile | null {
  let text: string;
  try {
    text = fs.readFileSync(path.join(configsDir, id, 'config.yaml'), 'utf8');
  } catch {
    return null; // directories without a config.yaml are not templates
  }
  try {
    const document = parseDocument(text);
    if (document.errors.length > 0) throw document.errors[0];
    return { id, config: document.toJS() };
  } catch (error) {
    const code = (error as { code?: string }).code ?? 'unparseable';
    logger.warn(`skipping template "${id}": config.yaml is not valid YAML (${code})`);
    return null;
  }
}
