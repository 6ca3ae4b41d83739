import { Injectable } from '@nestjs/common';
import { Database, sql } from '../../database/database.service';

/** Budget columns of a workspace; both are integer USD cents. */
export interface BudgetRow {
  budget_limit: number | null;
  monthly_spend: number;
}

const GET = sql(
  'budget.get',
  `SELECT budget_limit, monthly_spend FROM workspaces
    WHERE id = $1 AND status IS DISTINCT FROM 'removed'`,
);
// One statement updates and reads back, so a successful write always answers the new state.
const SET_LIMIT = sql(
  'budget.set_limit',
  `UPDATE workspaces SET budget_limit = $2, updated_at = now()
    WHERE id = $1 AND status IS DISTINCT FROM 'removed'
    RETURNING budget_limit, monthly_spend`,
);

/** SQL for the budget of a live (not removed) workspace; undefined means no such workspace. */
@Injectable()
export class BudgetRepository {
  constructor(private readonly db: Database) {}

  find(workspaceId: string): Promise<BudgetRow | undefined> {
    return this.db.one<BudgetRow>(GET, [workspaceId]);
  }

  setLimit(workspaceId: string, limit: number | null): Promise<BudgetRow | undefined> {
    return this.db.one<BudgetRow>(SET_LIMIT, [workspaceId, limit]);
  }
}
