import type Docker from 'dockerode';
import * as tar from 'tar-stream';

export interface TreeEntry {
  readonly type: string;
  readonly mode: number;
  readonly uid: number;
  readonly gid: number;
  readonly content: string;
}

/** Everything under a container's `/configs`, read through the archive API (any state). */
export function configsTree(container: Docker.Container): Promise<Map<string, TreeEntry>> {
  return configsTreeAt(container, '/configs');
}

/** Everything under one directory of a container, names relative to it. */
export async function configsTreeAt(
  container: Docker.Container,
  dir: string,
): Promise<Map<string, TreeEntry>> {
  const stream = await container.getArchive({ path: dir });
  const base = dir.split('/').pop()!;
  const extract = tar.extract();
  stream.pipe(extract);
  const tree = new Map<string, TreeEntry>();
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    const name = entry.header.name.slice(base.length).replace(/^\//, '');
    if (name === '') continue;
    tree.set(name.replace(/\/$/, ''), {
      type: entry.header.type ?? 'file',
      mode: (entry.header.mode ?? 0) & 0o7777,
      uid: entry.header.uid ?? -1,
      gid: entry.header.gid ?? -1,
      content: Buffer.concat(chunks).toString('utf8'),
    });
  }
  return tree;
}
