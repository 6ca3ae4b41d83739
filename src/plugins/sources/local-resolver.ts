import * as fs from 'node:fs';
import { resolveRealInsideRoot } from '../../common/fs/contained-path';
import { copyTree } from './copy-tree';
import { PluginNotFoundError, PluginSpecError, SourceResolver } from './plugin-source';

/** Lower case only, at most 128 characters (spec 05 §7.2). */
const LOCAL_NAME = /^[a-z0-9][a-z0-9._-]{0,127}$/;

/** `local://<name>`: a directory of the plugin registry (`PLUGINS_DIR`). */
export class LocalResolver implements SourceResolver {
  readonly scheme = 'local';

  constructor(
    private readonly pluginsDir: string,
    private readonly maxBytes: number,
  ) {}

  async fetch(spec: string, dstDir: string, signal: AbortSignal): Promise<string> {
    const name = spec.trim();
    if (name === '' || /[/\\]|\.\./.test(name) || !LOCAL_NAME.test(name)) {
      throw new PluginSpecError(
        'invalid plugin name',
        `local resolver: invalid plugin name "${name}"`,
      );
    }
    // A registry entry that is a link out of the registry is refused like any escape.
    const dir = resolveRealInsideRoot(this.pluginsDir, name);
    if (dir === null) throw new Error(`local resolver: plugin "${name}" escapes the registry`);
    let stat: fs.Stats;
    try {
      stat = await fs.promises.stat(dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        throw new PluginNotFoundError(`local plugin "${name}"`);
      }
      throw err;
    }
    if (!stat.isDirectory()) throw new Error(`local resolver: "${name}" is not a directory`);
    await copyTree(dir, dstDir, signal, this.maxBytes);
    return name;
  }
}
