import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { ViewportRepository } from './viewport.repository';
import { ViewportService } from './viewport.service';
import { apiFailure as failure } from '../../../test/support/unit';

describe('ViewportService', () => {
  let repo: MockProxy<ViewportRepository>;
  let viewports: ViewportService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    repo = mock<ViewportRepository>();
    viewports = new ViewportService(repo);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('get', () => {
    it('answers the stored viewport', async () => {
      repo.latest.mockResolvedValue({ x: 12.5, y: -3, zoom: 0.75 });
      expect(await viewports.get()).toEqual({ x: 12.5, y: -3, zoom: 0.75 });
    });

    it('answers the default when nothing was saved or the read fails', async () => {
      repo.latest.mockResolvedValue(undefined);
      expect(await viewports.get()).toEqual({ x: 0, y: 0, zoom: 1 });
      repo.latest.mockRejectedValue(new Error('db down'));
      expect(await viewports.get()).toEqual({ x: 0, y: 0, zoom: 1 });
    });
  });

  describe('save', () => {
    it('stores the three numbers', async () => {
      await viewports.save({ x: 1.5, y: -2, zoom: 1.25 });
      expect(repo.save).toHaveBeenCalledWith({ x: 1.5, y: -2, zoom: 1.25 });
    });

    it('stores omitted fields as 0, zoom included', async () => {
      await viewports.save({ x: 4 });
      await viewports.save({});
      expect(repo.save.mock.calls).toEqual([[{ x: 4, y: 0, zoom: 0 }], [{ x: 0, y: 0, zoom: 0 }]]);
    });

    it.each([['1'], [null], [true], [[1]], [{}], [Infinity]])(
      'refuses the non-number %p',
      async (value) => {
        expect(await failure(viewports.save({ x: 1, y: 2, zoom: value }))).toEqual([
          400,
          { error: 'invalid viewport data' },
        ]);
        expect(repo.save).not.toHaveBeenCalled();
      },
    );

    it('answers 500 when the write fails', async () => {
      repo.save.mockRejectedValue(new Error('boom'));
      expect(await failure(viewports.save({ x: 1 }))).toEqual([
        500,
        { error: 'failed to save viewport' },
      ]);
    });
  });
});
