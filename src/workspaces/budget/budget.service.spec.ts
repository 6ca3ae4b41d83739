import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { BudgetRepository } from './budget.repository';
import { BudgetService } from './budget.service';
import { apiFailure as failure } from '../../../test/support/unit';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

describe('BudgetService', () => {
  let repo: MockProxy<BudgetRepository>;
  let budgets: BudgetService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    repo = mock<BudgetRepository>();
    budgets = new BudgetService(repo);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('get', () => {
    it('without a limit: nulls, spend echoed as budget_used', async () => {
      repo.find.mockResolvedValue({ budget_limit: null, monthly_spend: 120 });
      expect(await budgets.get(WS)).toEqual({
        budget_limit: null,
        monthly_spend: 120,
        budget_used: 120,
        budget_remaining: null,
      });
      expect(repo.find).toHaveBeenCalledWith(WS);
    });

    it('with a limit: remaining = limit − spend', async () => {
      repo.find.mockResolvedValue({ budget_limit: 1000, monthly_spend: 250 });
      expect(await budgets.get(WS)).toEqual({
        budget_limit: 1000,
        monthly_spend: 250,
        budget_used: 250,
        budget_remaining: 750,
      });
    });

    it('over budget: remaining goes negative', async () => {
      repo.find.mockResolvedValue({ budget_limit: 100, monthly_spend: 150 });
      expect((await budgets.get(WS)).budget_remaining).toBe(-50);
    });

    it('unknown or removed workspace → 404; query error → 500', async () => {
      repo.find.mockResolvedValue(undefined);
      expect(await failure(budgets.get(WS))).toEqual([404, { error: 'workspace not found' }]);
      repo.find.mockRejectedValue(new Error('boom'));
      expect(await failure(budgets.get(WS))).toEqual([500, { error: 'query failed' }]);
    });
  });

  describe('setLimit', () => {
    beforeEach(() => {
      repo.setLimit.mockImplementation(async (_id, limit) => ({
        budget_limit: limit,
        monthly_spend: 40,
      }));
    });

    it('sets an integer limit and answers the GET shape', async () => {
      expect(await budgets.setLimit(WS, { budget_limit: 500 })).toEqual({
        budget_limit: 500,
        monthly_spend: 40,
        budget_used: 40,
        budget_remaining: 460,
      });
      expect(repo.setLimit).toHaveBeenCalledWith(WS, 500);
    });

    it('null clears the limit', async () => {
      expect((await budgets.setLimit(WS, { budget_limit: null })).budget_remaining).toBeNull();
      expect(repo.setLimit).toHaveBeenCalledWith(WS, null);
    });

    it('accepts 0 (and -0 as 0) and truncates fractions', async () => {
      await budgets.setLimit(WS, { budget_limit: 0 });
      await budgets.setLimit(WS, { budget_limit: -0 });
      await budgets.setLimit(WS, { budget_limit: 99.99 });
      await budgets.setLimit(WS, { budget_limit: Number.MAX_SAFE_INTEGER });
      expect(repo.setLimit.mock.calls.map(([, limit]) => limit)).toEqual([
        0,
        0,
        99,
        Number.MAX_SAFE_INTEGER,
      ]);
      expect(Object.is(repo.setLimit.mock.calls[1][1], -0)).toBe(false);
    });

    it('requires the field', async () => {
      expect(await failure(budgets.setLimit(WS, { other: 1 }))).toEqual([
        400,
        { error: 'budget_limit field is required' },
      ]);
    });

    it.each([[-1], [-0.5], [-Infinity]])('refuses the negative %p', async (value) => {
      expect(await failure(budgets.setLimit(WS, { budget_limit: value }))).toEqual([
        400,
        { error: 'budget_limit must be >= 0 (USD cents)' },
      ]);
    });

    it.each([['100'], [true], [{}], [[1]], [Number.MAX_SAFE_INTEGER + 2], [Infinity]])(
      'refuses the non-integer %p',
      async (value) => {
        expect(await failure(budgets.setLimit(WS, { budget_limit: value }))).toEqual([
          400,
          { error: 'budget_limit must be an integer (USD cents) or null' },
        ]);
      },
    );

    it('never writes an invalid value', async () => {
      await failure(budgets.setLimit(WS, { budget_limit: 'x' }));
      expect(repo.setLimit).not.toHaveBeenCalled();
    });

    it('unknown or removed workspace → 404; update error → 500', async () => {
      repo.setLimit.mockResolvedValue(undefined);
      expect(await failure(budgets.setLimit(WS, { budget_limit: 1 }))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
      repo.setLimit.mockRejectedValue(new Error('boom'));
      expect(await failure(budgets.setLimit(WS, { budget_limit: 1 }))).toEqual([
        500,
        { error: 'update failed' },
      ]);
    });
  });
});
