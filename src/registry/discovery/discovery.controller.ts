import { Controller, Get, Headers, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { Request } from 'express';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { CheckAccessDto } from '../dto/register.dto';
import { DiscoveryService } from './discovery.service';
import { ApiTag } from '../../common/openapi/tags';
import { DiscoveryApi } from '../registry.api';

@ApiTag('registry')
@Controller('registry')
export class DiscoveryController {
  constructor(private readonly discovery: DiscoveryService) {}

  @DiscoveryApi.discover
  @Get('discover/:id')
  discover(
    @Param('id', WorkspaceIdPipe) target: string,
    @Headers('x-workspace-id') caller: string | undefined,
    @Req() req: Request,
  ): Promise<Record<string, unknown>> {
    return this.discovery.discover(target, caller, req);
  }

  @DiscoveryApi.peers
  @Get(':id/peers')
  peers(
    @Param('id', WorkspaceIdPipe) id: string,
    @Query('q') q: string | undefined,
    @Req() req: Request,
  ): Promise<Record<string, unknown>[]> {
    return this.discovery.peers(id, q, req);
  }

  /** Unknown ids or lookup errors answer `allowed: false`, never an error status. */
  @DiscoveryApi.checkAccess
  @Post('check-access')
  @HttpCode(200)
  checkAccess(
    @JsonBody(CheckAccessDto, 'invalid request body') body: CheckAccessDto,
  ): Promise<{ allowed: boolean }> {
    return this.discovery.checkAccess(body.caller_id, body.target_id);
  }
}
