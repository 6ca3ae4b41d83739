import { Controller, Get, Param, Put, Req, UseGuards } from '@nestjs/common';
import type { Request } from 'express';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { authOf } from '../../common/auth/auth-context';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { PutAllowlistDto } from './dto/put-allowlist.dto';
import { AllowlistView, OrgPluginAllowlistService } from './org-plugin-allowlist.service';
import { ApiTag } from '../../common/openapi/tags';
import { OrgPluginAllowlistApi } from '../plugins.api';

@ApiTag('plugins')
@Controller('orgs/:id/plugins/allowlist')
@UseGuards(AdminAuthGuard)
export class OrgPluginAllowlistController {
  constructor(private readonly allowlist: OrgPluginAllowlistService) {}

  @OrgPluginAllowlistApi.get
  @Get()
  get(@Param('id', WorkspaceIdPipe) orgId: string, @Req() req: Request): Promise<AllowlistView> {
    return this.allowlist.get(orgId, authOf(req));
  }

  @OrgPluginAllowlistApi.put
  @Put()
  put(
    @Param('id', WorkspaceIdPipe) orgId: string,
    @JsonBody(PutAllowlistDto, 'invalid request body') body: PutAllowlistDto,
    @Req() req: Request,
  ): Promise<AllowlistView> {
    return this.allowlist.put(orgId, body, authOf(req));
  }
}
