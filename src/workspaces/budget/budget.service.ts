import { Injectable, Logger } from '@nestjs/common';
import { internalError, notFound } from '../../common/http/api-error';
import { parseBudgetLimit } from './budget-limit';
import { BudgetRepository, BudgetRow } from './budget.repository';

/** The wire shape of both budget endpoints. */
export interface BudgetView {
  budget_limit: number | null;
  monthly_spend: number;
  /** Same value as `monthly_spend`: the canvas reads this name. */
  budget_used: number;
  /** limit − spend (negative when over budget); null without a limit. */
  budget_remaining: number | null;
}

/** Reads and sets a workspace's monthly budget (spec 01 §3.14). */
@Injectable()
export class BudgetService {
  private readonly logger = new Logger(BudgetService.name);

  constructor(private readonly budgets: BudgetRepository) {}

  async get(workspaceId: string): Promise<BudgetView> {
    let row: BudgetRow | undefined;
    try {
      row = await this.budgets.find(workspaceId);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'budget query failed');
      throw internalError('query failed');
    }
    return toView(row);
  }

  async setLimit(workspaceId: string, body: Record<string, unknown>): Promise<BudgetView> {
    const limit = parseBudgetLimit(body);
    let row: BudgetRow | undefined;
    try {
      row = await this.budgets.setLimit(workspaceId, limit);
    } catch (err) {
      this.logger.error({ err, workspaceId }, 'budget update failed');
      throw internalError('update failed');
    }
    return toView(row);
  }
}

function toView(row: BudgetRow | undefined): BudgetView {
  if (!row) throw notFound('workspace not found');
  const { budget_limit, monthly_spend } = row;
  return {
    budget_limit,
    monthly_spend,
    budget_used: monthly_spend,
    budget_remaining: budget_limit === null ? null : budget_limit - monthly_spend,
  };
}
