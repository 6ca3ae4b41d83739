import { Module } from '@nestjs/common';
import { AgentMemoriesModule } from './agent-memories/agent-memories.module';
import { ApprovalsModule } from './approvals/approvals.module';
import { CheckpointsModule } from './checkpoints/checkpoints.module';
import { InstructionsModule } from './instructions/instructions.module';
import { TokenUsageModule } from './token-usage/token-usage.module';

/**
 * Layer 4: what agents keep and ask for beside their A2A traffic — memories, approvals,
 * workflow checkpoints, platform instructions — and the token usage they report.
 */
@Module({
  imports: [
    AgentMemoriesModule,
    ApprovalsModule,
    CheckpointsModule,
    InstructionsModule,
    TokenUsageModule,
  ],
})
export class MemoriesModule {}
