import { Controller, Delete, Get, HttpCode, Param, Post, Query, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { AgentMemoriesService, MemoryView } from './agent-memories.service';
import { CommitMemoryDto } from './dto/commit-memory.dto';
import { parseMemorySearch } from './memory-query';
import { ApiTag } from '../../common/openapi/tags';
import { AgentMemoriesApi } from '../memories.api';

@ApiTag('memories')
@Controller('workspaces/:id/memories')
@UseGuards(WorkspaceAuthGuard)
export class AgentMemoriesController {
  constructor(private readonly memories: AgentMemoriesService) {}

  @AgentMemoriesApi.commit
  @Post()
  @HttpCode(201)
  commit(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(CommitMemoryDto, 'invalid request body') body: CommitMemoryDto,
  ) {
    return this.memories.commit(id, body);
  }

  @AgentMemoriesApi.search
  @Get()
  search(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query() query: Record<string, unknown>,
  ): Promise<MemoryView[]> {
    return this.memories.search(id, parseMemorySearch(query));
  }

  @AgentMemoriesApi.delete
  @Delete(':memoryId')
  delete(@Param('id', WorkspaceIdPipe) id: string, @Param('memoryId') memoryId: string) {
    return this.memories.delete(id, memoryId);
  }
}
