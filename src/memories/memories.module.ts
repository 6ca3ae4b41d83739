import { Module } from '@nestjs/common';
import { AgentMemoriesModule } from './agent-memories/agent-memories.module';

/**
 * Layer 4: what agents keep and ask for beside their A2A traffic — memories, approvals,
 * workflow checkpoints, platform instructions — and the token usage they report.
 */
@Module({
  imports: [AgentMemoriesModule],
})
export class MemoriesModule {}
