import * as fs from 'node:fs';
import * as path from 'node:path';
import { PluginTooLargeError } from './plugin-source';

/**
 * Copies the directories and regular files under `src` into the existing `dst`. Symbolic
 * links and special files are skipped (never followed), the copy stops when `signal`
 * aborts (checked per entry) and when more than `maxBytes` have been copied.
 */
export async function copyTree(
  src: string,
  dst: string,
  signal: AbortSignal,
  maxBytes: number,
): Promise<void> {
  let copied = 0;
  const walk = async (from: string, to: string): Promise<void> => {
    for (const entry of await fs.promises.readdir(from, { withFileTypes: true })) {
      signal.throwIfAborted();
      const source = path.join(from, entry.name);
      const target = path.join(to, entry.name);
      if (entry.isDirectory()) {
        await fs.promises.mkdir(target);
        await walk(source, target);
      } else if (entry.isFile()) {
        const { size, mode } = await fs.promises.lstat(source);
        copied += size;
        if (copied > maxBytes) throw new PluginTooLargeError();
        await fs.promises.copyFile(source, target, fs.constants.COPYFILE_EXCL);
        await fs.promises.chmod(target, mode & 0o755);
      }
    }
  };
  await walk(src, dst);
}
