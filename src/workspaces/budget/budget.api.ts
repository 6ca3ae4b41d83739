import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiOperation } from '@nestjs/swagger';
import { ApiErrors, Reply } from '../../common/openapi/responses';
import { int, named, nullable, object } from '../../common/openapi/schema';

const BUDGET = named(
  'Budget',
  object({
    budget_limit: nullable(int('US cents a month; `null` = unlimited.')),
    monthly_spend: int('US cents, as the runtime reports it in heartbeats.'),
    budget_used: int('The same as `monthly_spend`.'),
    budget_remaining: nullable(int('Limit − spend (negative when over); `null` without a limit.')),
  }),
);

export const BudgetApi = {
  get: applyDecorators(
    ApiOperation({ summary: "Read a workspace's budget" }),
    Reply(200, BUDGET, 'The budget.'),
    ApiErrors({ 404: 'workspace not found', 500: 'query failed' }),
  ),
  set: applyDecorators(
    ApiOperation({
      summary: "Set a workspace's budget limit",
      description: 'Once spent, A2A calls to the workspace answer 402.',
    }),
    ApiBody({
      schema: object({
        budget_limit: nullable(int('US cents ≥ 0 (a fraction is truncated); `null` clears.')),
      }),
    }),
    Reply(200, BUDGET, 'The new budget.'),
    ApiErrors({
      400: [
        'invalid request body',
        'budget_limit field is required',
        'budget_limit must be >= 0 (USD cents)',
        'budget_limit must be an integer (USD cents) or null',
      ],
      404: 'workspace not found',
      500: ['query failed', 'update failed'],
    }),
  ),
};
