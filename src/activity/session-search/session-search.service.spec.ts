import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { ApiError } from '../../common/http/api-error';
import { SessionSearchRepository, SessionSearchRow } from './session-search.repository';
import { SessionSearchService } from './session-search.service';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

function row(fields: Partial<SessionSearchRow> = {}): SessionSearchRow {
  return {
    kind: 'activity',
    id: 'r1',
    workspace_id: WS,
    label: 'a2a_receive',
    content: 'read the docs',
    method: '',
    status: 'ok',
    created_at: new Date('2026-04-05T10:00:00Z'),
    request_body: null,
    response_body: null,
    ...fields,
  };
}

describe('SessionSearchService', () => {
  let repo: MockProxy<SessionSearchRepository>;
  let service: SessionSearchService;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    repo = mock<SessionSearchRepository>();
    repo.recent.mockResolvedValue([]);
    repo.matching.mockResolvedValue([]);
    service = new SessionSearchService(repo);
  });

  afterEach(() => jest.restoreAllMocks());

  it('without q: the most recent rows, no text filter', async () => {
    await service.find(WS, { q: '', limit: 50 });
    expect(repo.recent).toHaveBeenCalledWith(WS, 50);
    expect(repo.matching).not.toHaveBeenCalled();
  });

  it('with q: an escaped %q% pattern, limit last', async () => {
    await service.find(WS, { q: 'docs', limit: 50 });
    expect(repo.matching).toHaveBeenCalledWith(WS, '%docs%', 50);
    await service.find(WS, { q: '100%_\\', limit: 7 });
    expect(repo.matching).toHaveBeenLastCalledWith(WS, '%100\\%\\_\\\\%', 7);
  });

  it('bodies only when non-NULL', async () => {
    repo.recent.mockResolvedValue([
      row({ id: 'a' }),
      row({ id: 'b', request_body: '{"task":"t"}', response_body: '{"result":"r"}' }),
    ]);
    const [a, b] = await service.find(WS, { q: '', limit: 50 });
    expect(a).toStrictEqual({
      kind: 'activity',
      id: 'a',
      workspace_id: WS,
      label: 'a2a_receive',
      content: 'read the docs',
      method: '',
      status: 'ok',
      created_at: new Date('2026-04-05T10:00:00Z'),
    });
    expect(b.request_body).toEqual({ task: 't' });
    expect(b.response_body).toEqual({ result: 'r' });
  });

  it('a query failure → 500 session search failed', async () => {
    repo.matching.mockRejectedValue(new Error('boom'));
    const error = await service.find(WS, { q: 'x', limit: 50 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect([(error as ApiError).status, (error as ApiError).body]).toEqual([
      500,
      { error: 'session search failed' },
    ]);
  });
});
