import { Module } from '@nestjs/common';
import { SsrfModule } from '../common/ssrf/ssrf.module';
import { ChatDownloadService } from './chat-download.service';
import { ChatFilesController } from './chat-files.controller';
import { ChatTargetRepository } from './chat-target.repository';
import { ChatTargets } from './chat-targets';
import { ChatUploadService } from './chat-upload.service';
import { IngestSupport } from './ingest-support';
import { ChatUploadStager } from './upload-stager';
import { UndiciWorkspaceInbound, WorkspaceInbound } from './workspace-inbound';

/** Layer 4: chat uploads (forward to the workspace, or staged through the engine) and downloads. */
@Module({
  imports: [SsrfModule],
  controllers: [ChatFilesController],
  providers: [
    ChatTargetRepository,
    ChatTargets,
    IngestSupport,
    ChatUploadStager,
    ChatUploadService,
    ChatDownloadService,
    { provide: WorkspaceInbound, useClass: UndiciWorkspaceInbound },
  ],
})
export class ChatFilesModule {}
