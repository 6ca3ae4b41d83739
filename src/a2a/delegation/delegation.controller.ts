import { Controller, Get, HttpCode, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { Response } from 'express';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { Delegated, DelegateService } from './delegate.service';
import { IdempotentHit } from './delegation-idempotency';
import { DelegationRecordsService } from './delegation-records.service';
import { DelegationEntry } from './delegation-view';
import { DelegateDto } from './dto/delegate.dto';
import { RecordDelegationDto } from './dto/record-delegation.dto';
import { UpdateDelegationDto } from './dto/update-delegation.dto';
import { ApiTag } from '../../common/openapi/tags';
import { DelegationApi } from '../a2a.api';

/** Delegation between workspaces (spec 03 §4); `:id` is always the delegating workspace. */
@ApiTag('a2a')
@Controller('workspaces/:id')
@UseGuards(WorkspaceAuthGuard)
export class DelegationController {
  constructor(
    private readonly delegations: DelegateService,
    private readonly records: DelegationRecordsService,
  ) {}

  /** 202 when sent; 200 when the idempotency key names an earlier delegation. */
  @DelegationApi.delegate
  @Post('delegate')
  async delegate(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(DelegateDto, 'invalid delegation request') body: DelegateDto,
    @Res({ passthrough: true }) res: Response,
  ): Promise<Delegated | IdempotentHit> {
    const reply = await this.delegations.delegate(id, body);
    res.status(reply.status);
    return reply.body;
  }

  @DelegationApi.record
  @Post('delegations/record')
  @HttpCode(202)
  record(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(RecordDelegationDto, 'invalid request body') body: RecordDelegationDto,
  ): Promise<{ delegation_id: string; status: 'recorded' }> {
    return this.records.record(id, body);
  }

  @DelegationApi.update
  @Post('delegations/:delegation_id/update')
  @HttpCode(200)
  update(
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('delegation_id') delegationId: string,
    @JsonBody(UpdateDelegationDto, 'invalid request body') body: UpdateDelegationDto,
  ): Promise<{ status: string; delegation_id: string }> {
    return this.records.update(id, delegationId, body);
  }

  @DelegationApi.list
  @Get('delegations')
  list(@Param('id', WorkspaceIdPipe) id: string): Promise<DelegationEntry[]> {
    return this.records.list(id);
  }
}
