import { Controller, Get, HttpCode, Param, Post, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { authOf } from '../../common/auth/auth-context';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { ApprovalRow, PendingApprovalRow } from './approvals.repository';
import { ApprovalsService } from './approvals.service';
import { DecideApprovalDto } from './dto/decide-approval.dto';
import { RequestApprovalDto } from './dto/request-approval.dto';
import { ApiTag } from '../../common/openapi/tags';
import { ApprovalsApi } from '../memories.api';

@ApiTag('approvals')
@Controller('workspaces/:id/approvals')
@UseGuards(WorkspaceAuthGuard)
export class ApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @ApprovalsApi.request
  @Post()
  @HttpCode(201)
  request(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(RequestApprovalDto, 'invalid request body') body: RequestApprovalDto,
  ) {
    return this.approvals.request(id, body);
  }

  @ApprovalsApi.list
  @Get()
  list(@Param('id', WorkspaceIdPipe) id: string): Promise<ApprovalRow[]> {
    return this.approvals.list(id);
  }

  @ApprovalsApi.decide
  @Post(':approvalId/decide')
  @HttpCode(200)
  decide(
    @Req() req: Request,
    @Param('id', WorkspaceIdPipe) id: string,
    @Param('approvalId') approvalId: string,
    @JsonBody(DecideApprovalDto, 'invalid request body') body: DecideApprovalDto,
  ) {
    return this.approvals.decide(authOf(req), id, approvalId, body);
  }
}

/** The canvas banner: every workspace's pending requests. */
@ApiTag('approvals')
@Controller('approvals')
@UseGuards(AdminAuthGuard)
export class PendingApprovalsController {
  constructor(private readonly approvals: ApprovalsService) {}

  @ApprovalsApi.pending
  @Get('pending')
  pending(): Promise<PendingApprovalRow[]> {
    return this.approvals.pending();
  }
}
