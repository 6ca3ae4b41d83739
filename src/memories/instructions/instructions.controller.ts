import {
  Controller,
  Delete,
  Get,
  HttpCode,
  Param,
  Post,
  Put,
  Query,
  UseGuards,
} from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { firstValue } from '../../common/http/query-params';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { CreateInstructionDto, UpdateInstructionDto } from './dto/instruction.dto';
import { InstructionRow } from './instructions.repository';
import { InstructionsService } from './instructions.service';
import { ApiTag } from '../../common/openapi/tags';
import { InstructionsApi } from '../memories.api';

/** Operators manage instructions. */
@ApiTag('instructions')
@Controller('instructions')
@UseGuards(AdminAuthGuard)
export class InstructionsController {
  constructor(private readonly instructions: InstructionsService) {}

  @InstructionsApi.list
  @Get()
  list(@Query() query: Record<string, unknown>): Promise<InstructionRow[]> {
    return this.instructions.list({
      workspaceId: firstValue(query.workspace_id) || undefined,
      scope: firstValue(query.scope) || undefined,
    });
  }

  @InstructionsApi.create
  @Post()
  @HttpCode(201)
  create(
    @JsonBody(CreateInstructionDto, 'scope, title, and content are required')
    body: CreateInstructionDto,
  ) {
    return this.instructions.create(body);
  }

  @InstructionsApi.update
  @Put(':id')
  update(
    @Param('id') id: string,
    @JsonBody(UpdateInstructionDto, 'invalid request') body: UpdateInstructionDto,
  ) {
    return this.instructions.update(id, body);
  }

  @InstructionsApi.delete
  @Delete(':id')
  delete(@Param('id') id: string) {
    return this.instructions.delete(id);
  }
}

/** The runtime resolves its instructions once, while building its system prompt. */
@ApiTag('instructions')
@Controller('workspaces/:id/instructions')
@UseGuards(WorkspaceAuthGuard)
export class InstructionsResolveController {
  constructor(private readonly instructions: InstructionsService) {}

  @InstructionsApi.resolve
  @Get('resolve')
  resolve(@Param('id', WorkspaceIdPipe) id: string) {
    return this.instructions.resolve(id);
  }
}
