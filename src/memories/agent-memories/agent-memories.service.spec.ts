import { MockProxy } from 'jest-mock-extended';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { AgentMemoriesRepository, MemoryRow } from './agent-memories.repository';
import { AgentMemoriesService } from './agent-memories.service';
import { parseMemorySearch } from './memory-query';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const ROOT = '11111111-1111-4111-8111-111111111111';

function row(fields: Partial<MemoryRow> = {}): MemoryRow {
  return {
    id: 'mem-1',
    workspace_id: WS,
    content: 'note',
    scope: 'LOCAL',
    namespace: 'general',
    created_at: new Date('2026-04-05T10:00:00Z'),
    ...fields,
  };
}

describe('AgentMemoriesService', () => {
  quietLogs();
  let service: AgentMemoriesService;
  let repo: MockProxy<AgentMemoriesRepository>;

  beforeEach(async () => {
    const unit = await createUnit(AgentMemoriesService);
    service = unit.sut;
    repo = unit.mock(AgentMemoriesRepository);
    repo.search.mockResolvedValue([]);
  });

  describe('commit', () => {
    it('stores redacted content under general and answers {id, scope, namespace}', async () => {
      repo.commit.mockResolvedValue({ kind: 'stored', id: 'new-id' });
      expect(await service.commit(WS, { content: 'X_TOKEN=abc', scope: 'LOCAL' })).toEqual({
        id: 'new-id',
        scope: 'LOCAL',
        namespace: 'general',
      });
      expect(repo.commit).toHaveBeenCalledWith(
        WS,
        '[REDACTED:TOKEN]',
        'LOCAL',
        'general',
        expect.stringMatching(/^[0-9a-f]{64}$/),
      );
    });

    it('maps the repository outcomes to 404 and 403, and a failure to 500', async () => {
      repo.commit.mockResolvedValue({ kind: 'no-workspace' });
      expect(await apiFailure(service.commit(WS, { content: 'x', scope: 'GLOBAL' }))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
      repo.commit.mockResolvedValue({ kind: 'not-root' });
      expect(await apiFailure(service.commit(WS, { content: 'x', scope: 'GLOBAL' }))).toEqual([
        403,
        { error: 'only root workspaces can write GLOBAL memories' },
      ]);
      repo.commit.mockRejectedValue(new Error('connection refused'));
      expect(await apiFailure(service.commit(WS, { content: 'x', scope: 'LOCAL' }))).toEqual([
        500,
        { error: 'failed to store memory' },
      ]);
    });

    it('checks the scope before the namespace and never writes a refused memory', async () => {
      expect(
        await apiFailure(
          service.commit(WS, { content: 'x', scope: 'PRIVATE', namespace: 'n'.repeat(60) }),
        ),
      ).toEqual([400, { error: 'scope must be LOCAL, TEAM, or GLOBAL' }]);
      expect(repo.commit).not.toHaveBeenCalled();
    });
  });

  describe('search', () => {
    it('two characters or more: one full-text search carrying its literal fallback pattern', async () => {
      await service.search(WS, parseMemorySearch({ q: '100%_x', scope: 'TEAM', limit: '5' }));
      expect(repo.search).toHaveBeenCalledTimes(1);
      expect(repo.search).toHaveBeenCalledWith({
        readerId: WS,
        scope: 'TEAM',
        namespace: undefined,
        limit: 5,
        match: { mode: 'fts', text: '100%_x', pattern: '%100\\%\\_x%' },
      });
    });

    it('one character goes straight to the escaped substring match', async () => {
      await service.search(WS, parseMemorySearch({ q: '%' }));
      expect(repo.search).toHaveBeenCalledWith(
        expect.objectContaining({ match: { mode: 'substring', pattern: '%\\%%' } }),
      );
    });

    it('no q: newest first', async () => {
      await service.search(WS, parseMemorySearch({ scope: 'GLOBAL' }));
      expect(repo.search).toHaveBeenCalledWith(
        expect.objectContaining({ scope: 'GLOBAL', match: { mode: 'recent' } }),
      );
    });

    it('wraps GLOBAL rows only', async () => {
      repo.search.mockResolvedValue([
        row({ id: 'g', scope: 'GLOBAL', workspace_id: ROOT, content: 'knowledge' }),
        row({ id: 't', scope: 'TEAM', content: 'team' }),
      ]);
      const [global, team] = await service.search(WS, parseMemorySearch({}));
      expect(global.content).toBe(`[MEMORY id=g scope=GLOBAL from=${ROOT}]: knowledge`);
      expect(team.content).toBe('team');
    });

    it('a query failure is 500 search failed', async () => {
      repo.search.mockRejectedValue(new Error('boom'));
      expect(await apiFailure(service.search(WS, parseMemorySearch({})))).toEqual([
        500,
        { error: 'search failed' },
      ]);
    });
  });

  describe('delete', () => {
    it('a malformed id is the contract 404 without a query', async () => {
      expect(await apiFailure(service.delete(WS, 'nope'))).toEqual([
        404,
        { error: 'memory not found or not owned by this workspace' },
      ]);
      expect(repo.delete).not.toHaveBeenCalled();
    });

    it('deletes by canonical id; a failure is 500 delete failed', async () => {
      repo.delete.mockResolvedValue(true);
      expect(await service.delete(WS, ROOT.toUpperCase())).toEqual({ status: 'deleted' });
      expect(repo.delete).toHaveBeenCalledWith(WS, ROOT);
      repo.delete.mockRejectedValue(new Error('boom'));
      expect(await apiFailure(service.delete(WS, ROOT))).toEqual([500, { error: 'delete failed' }]);
    });
  });
});
