import * as fs from 'node:fs';
import * as path from 'node:path';
import { readTextInsideRoot } from '../../common/fs/contained-path';
import { listTreeFiles } from '../../common/fs/file-tree';
import { Provisioner } from '../../provisioner/provisioner.port';

/** A workspace's `/configs` as the exporter reads it: files by path relative to `/configs`. */
export interface ConfigSource {
  read(relPath: string): Promise<string | undefined>;
  /** Paths (relative to `/configs`) of the files under `relDir`. */
  list(relDir: string): Promise<string[]>;
}

/** Exported files larger than this are left out (a bundle is JSON for people and canvases). */
export const BUNDLE_FILE_MAX_BYTES = 1024 * 1024;

/** The running container's `/configs`, else its config volume. */
export function containerConfigs(docker: Provisioner, workspaceId: string): ConfigSource {
  return {
    read: async (relPath) => {
      const bytes = await docker.readConfigFile(workspaceId, relPath);
      return bytes && bytes.length <= BUNDLE_FILE_MAX_BYTES ? bytes.toString('utf8') : undefined;
    },
    list: async (relDir) => (await docker.listConfigFiles(workspaceId, relDir)) ?? [],
  };
}

/** A template directory on the host (no links followed out of it). */
export function templateConfigs(dir: string): ConfigSource {
  return {
    read: async (relPath) => {
      try {
        return readTextInsideRoot(dir, relPath, BUNDLE_FILE_MAX_BYTES);
      } catch {
        return undefined;
      }
    },
    list: async (relDir) => {
      const root = path.join(dir, relDir);
      if (!fs.existsSync(root) || !fs.lstatSync(root).isDirectory()) return [];
      return (await listTreeFiles(root)).map((file) => `${relDir}/${file.relPath}`);
    },
  };
}

/** No files at all (no backend, no matching template). */
export const NO_CONFIGS: ConfigSource = {
  read: async () => undefined,
  list: async () => [],
};
