import { RequestConstructionError } from './agent-transport';
import { classifyForwardError } from './upstream-errors';

const err = (message: string, code?: string, cause?: { code?: string; message?: string }) =>
  Object.assign(new Error(message), { code, cause });

describe('classifyForwardError', () => {
  it('a construction failure is its own kind', () => {
    expect(classifyForwardError(new RequestConstructionError('bad url'), false)).toBe(
      'construction',
    );
  });

  it('our own deadline firing means busy, whatever the error says', () => {
    expect(classifyForwardError(err('This operation was aborted', 'ABORT_ERR'), true)).toBe('busy');
  });

  it.each([
    err('read ECONNRESET', 'ECONNRESET'),
    err('fetch failed', undefined, { code: 'UND_ERR_SOCKET', message: 'other side closed' }),
    err('unexpected EOF'),
    err('wrapped: connection reset by peer'),
  ])('hang-ups mean busy: %p', (e) => expect(classifyForwardError(e, false)).toBe('busy'));

  it.each([
    err('connect ECONNREFUSED 127.0.0.1:1', 'ECONNREFUSED'),
    err('getaddrinfo ENOTFOUND nowhere.invalid', 'ENOTFOUND'),
    err('something else'),
  ])('everything else is unreachable: %p', (e) =>
    expect(classifyForwardError(e, false)).toBe('unreachable'),
  );
});
