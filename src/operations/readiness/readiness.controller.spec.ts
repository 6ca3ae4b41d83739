import { HealthCheckService } from '@nestjs/terminus';
import type { Response } from 'express';
import { mock } from 'jest-mock-extended';
import { createUnit } from '../../../test/support/unit';
import { ShutdownSignal } from '../../common/shutdown/shutdown-signal';
import { loadConfig } from '../../config/load-config';
import { ReadinessController } from './readiness.controller';

describe('ReadinessController', () => {
  async function setup() {
    const shutdown = new ShutdownSignal(loadConfig({}).config);
    const unit = await createUnit(ReadinessController, [
      { provide: ShutdownSignal, useValue: shutdown },
    ]);
    const res = mock<Response>();
    res.status.mockReturnValue(res);
    return { ...unit, shutdown, res };
  }

  it('answers 200 with the checks while the database answers', async () => {
    const { sut, mock: mockOf, res } = await setup();
    const ok = { status: 'ok' as const, info: {}, error: {}, details: {} };
    mockOf(HealthCheckService).check.mockResolvedValue(ok);
    await sut.ready(res);
    expect(res.status).toHaveBeenCalledWith(200);
    expect(res.json).toHaveBeenCalledWith(ok);
  });

  it('answers 503 shutting_down as soon as the shutdown begins, without checking anything', async () => {
    const { sut, mock: mockOf, shutdown, res } = await setup();
    shutdown.begin(Date.now() + 30_000);
    await sut.ready(res);
    expect(res.status).toHaveBeenCalledWith(503);
    expect(res.json).toHaveBeenCalledWith({
      status: 'shutting_down',
      info: {},
      error: {},
      details: {},
    });
    expect(mockOf(HealthCheckService).check).not.toHaveBeenCalled();
  });
});
