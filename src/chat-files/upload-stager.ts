import { Injectable, Logger } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Clock } from '../common/clock/clock';
import { internalError, serviceUnavailable } from '../common/http/api-error';
import { AppConfig } from '../config/app-config';
import { ArchiveEntry, packArchive } from '../files/tar-archive';
import { WorkspaceFiles } from '../provisioner/workspace-file-store';
import { ChatTarget } from './chat-target.repository';
import { ChatTargets } from './chat-targets';
import { spillMultipart, SpilledFile } from './multipart-spill';
import { UploadedFile, UploadRequest } from './upload-limits';
import { storedName, UPLOAD_DIR } from './upload-names';

/**
 * Chat uploads for runtimes without an ingest endpoint (spec 03 §6.2): the platform parses
 * the multipart body itself, spills each file to a temporary file (never the whole body in
 * memory), and only once every part passed streams them as one archive into the running
 * container's upload directory. A rejected upload leaves nothing in the workspace; the
 * temporary files are removed whatever happens.
 */
@Injectable()
export class ChatUploadStager {
  private readonly logger = new Logger(ChatUploadStager.name);

  constructor(
    private readonly targets: ChatTargets,
    private readonly clock: Clock,
    private readonly config: AppConfig,
  ) {}

  async stage(
    workspaceId: string,
    target: ChatTarget,
    upload: UploadRequest,
  ): Promise<{ files: UploadedFile[] }> {
    const files = await this.targets.openContainer(workspaceId, target);
    if (files === null || files === 'unavailable')
      throw serviceUnavailable('workspace container not running');
    let spillDir: string | undefined;
    try {
      spillDir = await fs.promises.mkdtemp(
        path.join(this.config.chatUploadSpillDir, 'molecule-upload-'),
      );
      const spilled = await spillMultipart(upload, spillDir);
      const taken = new Set<string>();
      const placed = spilled.map((file) => ({ file, stored: storedName(file.name, taken) }));
      await this.place(workspaceId, files, placed);
      return {
        files: placed.map(({ file, stored }) => ({
          uri: `workspace:${UPLOAD_DIR}/${stored}`,
          name: file.name,
          mimeType: file.mimeType,
          size: file.size,
        })),
      };
    } finally {
      if (spillDir) await fs.promises.rm(spillDir, { recursive: true, force: true });
      await files
        .close()
        .catch((err: unknown) => this.logger.warn({ err }, 'closing files failed'));
    }
  }

  /**
   * One archive into the deepest existing directory on the way to the upload directory, with
   * the missing levels as entries (owned by the agent's user, which writes there too).
   */
  private async place(
    workspaceId: string,
    files: WorkspaceFiles,
    placed: { file: SpilledFile; stored: string }[],
  ): Promise<void> {
    try {
      let base = UPLOAD_DIR;
      const missing: string[] = [];
      for (;;) {
        const stat = await files.stat(base);
        if (stat?.kind === 'dir') break;
        if (stat !== undefined || base === '/workspace')
          throw new Error(`${base} is not a directory`);
        missing.unshift(path.posix.basename(base));
        base = path.posix.dirname(base);
      }
      const prefix = missing.map((m) => `${m}/`).join('');
      const entries: ArchiveEntry[] = missing.map((_, i) => ({
        name: missing.slice(0, i + 1).join('/') + '/',
        directory: true,
      }));
      for (const { file, stored } of placed)
        entries.push({
          name: `${prefix}${stored}`,
          size: file.size,
          content: () => fs.createReadStream(file.tempPath),
        });
      const archive = packArchive(entries, { mtime: this.clock.now(), fileMode: 0o644 });
      await files.extract(base, archive, { owner: 'workspace-user' });
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'staging chat uploads failed');
      // An archive that broke off half-way may have left some files: take them back out.
      for (const { stored } of placed)
        await files.remove(`${UPLOAD_DIR}/${stored}`).catch(() => undefined);
      throw internalError('failed to stage files in workspace');
    }
  }
}
