import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AppConfig } from '../../config/app-config';

/**
 * Where org templates live (spec 05 §6.1): the first existing directory among
 * `org-templates`, `../org-templates` and `<CONFIGS_DIR>/../org-templates`, else the first.
 */
@Injectable()
export class OrgTemplateLocation {
  readonly dir: string;

  constructor(config: AppConfig) {
    const candidates = [
      path.resolve('org-templates'),
      path.resolve('..', 'org-templates'),
      path.resolve(config.configsDir, '..', 'org-templates'),
    ];
    this.dir = candidates.find(isDirectory) ?? candidates[0];
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
