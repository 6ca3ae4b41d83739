import { Injectable } from '@nestjs/common';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** Where plugins are staged: one fresh `molecule-plugin-fetch-*` directory per fetch. */
@Injectable()
export class PluginStagingArea {
  constructor(readonly root: string = os.tmpdir()) {}

  create(): Promise<string> {
    return fs.promises.mkdtemp(path.join(this.root, 'molecule-plugin-fetch-'));
  }

  async remove(dir: string): Promise<void> {
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
}
