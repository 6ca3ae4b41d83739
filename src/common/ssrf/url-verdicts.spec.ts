import { mock } from 'jest-mock-extended';
import { UrlGuard } from './url-guard';
import { UrlVerdicts } from './url-verdicts';

describe('UrlVerdicts', () => {
  it('judges a URL once and remembers the verdict, good or bad', async () => {
    const guard = mock<UrlGuard>();
    guard.checkOutboundUrl.mockImplementation(async (url) =>
      url.includes('169.254') ? { ok: false, reason: 'link-local' } : { ok: true },
    );
    const verdicts = new UrlVerdicts(guard);
    expect(await verdicts.check('http://agent.example')).toEqual({ ok: true });
    expect(await verdicts.check('http://agent.example')).toEqual({ ok: true });
    expect(await verdicts.check('http://169.254.169.254')).toEqual({
      ok: false,
      reason: 'link-local',
    });
    expect(await verdicts.check('http://169.254.169.254')).toEqual({
      ok: false,
      reason: 'link-local',
    });
    expect(guard.checkOutboundUrl).toHaveBeenCalledTimes(2);
  });
});
