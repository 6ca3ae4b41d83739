import type { Request, Response } from 'express';
import { refuseNulInUrl } from './nul-in-url.middleware';

describe('refuseNulInUrl', () => {
  const run = (url: string) => {
    const res = { status: jest.fn().mockReturnThis(), json: jest.fn() };
    const next = jest.fn();
    refuseNulInUrl({ url } as Request, res as unknown as Response, next);
    return { res, next };
  };

  it.each(['/admin/secrets/a%00b', '/workspaces/x/session-search?q=%00', '/x?%00=1'])(
    'refuses %s with 400 invalid request URL',
    (url) => {
      const { res, next } = run(url);
      expect(res.status).toHaveBeenCalledWith(400);
      expect(res.json).toHaveBeenCalledWith({ error: 'invalid request URL' });
      expect(next).not.toHaveBeenCalled();
    },
  );

  it.each(['/admin/secrets/a%2500b', '/health', '/x?q=100%25', '/x/%0A'])('passes %s', (url) => {
    const { res, next } = run(url);
    expect(next).toHaveBeenCalled();
    expect(res.status).not.toHaveBeenCalled();
  });
});
