import type { Readable } from 'node:stream';

/**
 * Where a workspace's files were reached: its running container (every path), or — with no
 * container running — its config volume, which holds `/configs` only.
 */
export type FileSite = 'container' | 'volume';

/**
 * What `open` may fall back to when no container runs: nothing, the config volume when it
 * exists (reads), or the config volume created when missing (writes: a file saved before the
 * first provision must survive it).
 */
export type VolumeFallback = 'none' | 'existing' | 'create';

export interface OpenFilesRequest {
  readonly workspaceId: string;
  /** The workspace's runtime: picks the image of a volume-only session (no container runs). */
  readonly runtime: string;
  readonly volume: VolumeFallback;
}

export type FileKind = 'file' | 'dir' | 'symlink' | 'other';

export interface FileStat {
  readonly kind: FileKind;
  readonly size: number;
}

/** One listing entry; `path` is relative to the listed directory. */
export interface FileEntry {
  readonly path: string;
  readonly size: number;
  readonly dir: boolean;
}

export interface ListOptions {
  /** 1 = immediate children. */
  readonly depth: number;
  /** Entries with these base names are left out entirely. */
  readonly omit: readonly string[];
  /** Directories with these base names are listed but never entered. */
  readonly opaque: readonly string[];
}

/**
 * A regular file opened for reading: its size is known before a byte is read. The caller must
 * consume or destroy `content`.
 */
export interface OpenedFile {
  readonly kind: 'file';
  readonly size: number;
  readonly content: Readable;
}

/**
 * `missing`: nothing there. `not-a-file`: a directory, a device, or a path through a symbolic
 * link anywhere (the link could lead out of the allowed roots, so it is never followed).
 */
export type FileRead = OpenedFile | { readonly kind: 'missing' } | { readonly kind: 'not-a-file' };

export interface ExtractOptions {
  /**
   * `workspace-user`: entries are owned by the user the workspace's agent runs as (files the
   * agent must be able to move or delete, such as chat uploads); `root`: as in the archive.
   */
  readonly owner: 'root' | 'workspace-user';
}

/**
 * One workspace's files, opened for a few operations and then closed (a volume-only session
 * may hold engine resources). Paths are absolute, clean and already checked by the caller;
 * no method builds shell text from them.
 */
export interface WorkspaceFiles {
  readonly site: FileSite;
  /** `undefined` when nothing is at `path`. Symbolic links are reported, not followed. */
  stat(path: string): Promise<FileStat | undefined>;
  /** The entries under `dir` in the engine's order; `[]` when `dir` does not exist. */
  list(dir: string, options: ListOptions): Promise<FileEntry[]>;
  read(path: string): Promise<FileRead>;
  /**
   * Unpacks a tar stream into the existing directory `dir`. Resolves once every entry is
   * written; rejects when the archive breaks off or the engine refuses it.
   */
  extract(dir: string, archive: Readable, options: ExtractOptions): Promise<void>;
  /** Removes one file (never a directory's contents); nothing there is not an error. */
  remove(path: string): Promise<void>;
  close(): Promise<void>;
}

/** No engine to reach files through (none configured, or it does not answer). */
export class FileStoreUnavailable extends Error {}

/**
 * The files of local (Docker) workspaces: the `/configs` the Config and Files tabs edit, the
 * chat upload directory, agent artefacts for download. Control-plane workspaces have no
 * file channel here.
 */
export abstract class WorkspaceFileStore {
  /**
   * The running container's files, else the config volume as `request.volume` allows, else
   * `null`. Rejects with `FileStoreUnavailable` when there is no engine to ask.
   */
  abstract open(request: OpenFilesRequest): Promise<WorkspaceFiles | null>;
}

/** The store of an instance without a Docker engine: every open says so. */
export class NoEngineFileStore extends WorkspaceFileStore {
  open(): Promise<WorkspaceFiles | null> {
    return Promise.reject(new FileStoreUnavailable('no container engine is configured'));
  }
}
