import { Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { NotifyDto } from '../dto/notify.dto';
import { NotifyService } from './notify.service';
import { ApiTag } from '../../common/openapi/tags';
import { ActivityApi } from '../activity.api';

@ApiTag('activity')
@Controller('workspaces/:id/notify')
@UseGuards(WorkspaceAuthGuard)
export class NotifyController {
  constructor(private readonly notifications: NotifyService) {}

  /** The id is not pre-validated: a malformed one is a 404 like any unknown workspace (reference). */
  @ActivityApi.notify
  @Post()
  @HttpCode(200)
  notify(
    @Param('id') id: string,
    @JsonBody(NotifyDto, 'message is required') body: NotifyDto,
  ): Promise<{ status: 'sent' }> {
    return this.notifications.notify(id, body);
  }
}
