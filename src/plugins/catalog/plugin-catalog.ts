import { Injectable } from '@nestjs/common';
import * as path from 'node:path';
import { readTextInsideRoot } from '../../common/fs/contained-path';
import { listSubdirectories } from '../../common/fs/file-tree';
import { AppConfig } from '../../config/app-config';
import {
  MANIFEST_MAX_BYTES,
  parsePluginManifest,
  PluginInfo,
  supportsRuntime,
} from './plugin-manifest';

/** The plugin registry directory (`GET /plugins`, spec 05 §7.6). */
@Injectable()
export class PluginCatalog {
  constructor(private readonly config: AppConfig) {}

  /**
   * Every plugin directory, by name, optionally only those supporting `runtime` (or
   * declaring none). A missing or unreadable registry is empty. Links are not listed.
   */
  list(runtime?: string): PluginInfo[] {
    const root = this.config.pluginsDir;
    return listSubdirectories(root)
      .map((name) => parsePluginManifest(name, readManifest(root, name)))
      .filter((plugin) => !runtime || supportsRuntime(plugin, runtime));
  }
}

function readManifest(root: string, name: string): string | undefined {
  try {
    return readTextInsideRoot(root, path.join(name, 'plugin.yaml'), MANIFEST_MAX_BYTES);
  } catch {
    return undefined;
  }
}
