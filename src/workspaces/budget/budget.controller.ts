import { Controller, Get, Param, Patch, UseGuards } from '@nestjs/common';
import { AdminAuthGuard } from '../../common/auth/admin-auth.guard';
import { WorkspaceAuthGuard } from '../../common/auth/workspace-auth.guard';
import { JsonBody } from '../../common/http/json-body.decorator';
import { WorkspaceIdPipe } from '../../common/http/uuid';
import { BudgetService, BudgetView } from './budget.service';
import { ApiTag } from '../../common/openapi/tags';
import { BudgetApi } from './budget.api';

/** A workspace reads its own budget; only an admin may change it. */
@ApiTag('budget')
@Controller('workspaces/:id/budget')
export class BudgetController {
  constructor(private readonly budgets: BudgetService) {}

  @BudgetApi.get
  @Get()
  @UseGuards(WorkspaceAuthGuard)
  get(@Param('id', WorkspaceIdPipe) id: string): Promise<BudgetView> {
    return this.budgets.get(id);
  }

  @BudgetApi.set
  @Patch()
  @UseGuards(AdminAuthGuard)
  set(
    @Param('id', WorkspaceIdPipe) id: string,
    @JsonBody(undefined, 'invalid request body', { nullAsEmpty: true })
    body: Record<string, unknown>,
  ): Promise<BudgetView> {
    return this.budgets.setLimit(id, body);
  }
}
