import { Module } from '@nestjs/common';
import { AdminMemoriesController } from './admin-memories.controller';
import { AdminMemoriesRepository } from './admin-memories.repository';
import { AdminMemoriesService } from './admin-memories.service';
import { AgentMemoriesController } from './agent-memories.controller';
import { AgentMemoriesRepository } from './agent-memories.repository';
import { AgentMemoriesService } from './agent-memories.service';

/** Scoped agent memories, their search, and the operators' export / import. */
@Module({
  controllers: [AgentMemoriesController, AdminMemoriesController],
  providers: [
    AgentMemoriesRepository,
    AgentMemoriesService,
    AdminMemoriesRepository,
    AdminMemoriesService,
  ],
})
export class AgentMemoriesModule {}
