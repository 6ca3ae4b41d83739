import { MockProxy } from 'jest-mock-extended';
import { Clock } from '../../common/clock/clock';
import { EventEmitter } from '../../events/event-emitter.port';
import { FakeClock } from '../../../test/support/fake-clock';
import { apiFailure, createUnit, quietLogs } from '../../../test/support/unit';
import { ApprovalsRepository, EXPIRY_BATCH } from './approvals.repository';
import { APPROVAL_TTL_MS, ApprovalsService } from './approvals.service';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const PARENT = '11111111-1111-4111-8111-111111111111';
const APPROVAL = '22222222-2222-4222-8222-222222222222';
const NOW = new Date('2026-04-05T10:00:00.000Z');

describe('ApprovalsService', () => {
  quietLogs();
  let service: ApprovalsService;
  let repo: MockProxy<ApprovalsRepository>;
  let events: MockProxy<EventEmitter>;

  beforeEach(async () => {
    const unit = await createUnit(ApprovalsService, [
      { provide: Clock, useValue: new FakeClock(NOW) },
    ]);
    service = unit.sut;
    repo = unit.mock(ApprovalsRepository);
    events = unit.mock(EventEmitter);
    repo.expire.mockResolvedValue([]);
    repo.list.mockResolvedValue([]);
    repo.pending.mockResolvedValue([]);
  });

  describe('request', () => {
    it('stores "" for omitted strings and {} for an omitted context, then REQUESTED and ESCALATED', async () => {
      repo.insert.mockResolvedValue({ id: APPROVAL, parentId: PARENT });
      expect(await service.request(WS, { action: 'deploy', context: null })).toEqual({
        approval_id: APPROVAL,
        status: 'pending',
      });
      expect(repo.insert).toHaveBeenCalledWith({
        workspaceId: WS,
        createdAt: NOW,
        taskId: '',
        action: 'deploy',
        reason: '',
        context: {},
      });
      expect(events.recordAndBroadcast.mock.calls).toEqual([
        [
          'APPROVAL_REQUESTED',
          WS,
          { approval_id: APPROVAL, action: 'deploy', reason: '', task_id: '' },
        ],
        [
          'APPROVAL_ESCALATED',
          PARENT,
          { approval_id: APPROVAL, from_workspace_id: WS, action: 'deploy', reason: '' },
        ],
      ]);
    });

    it('a root does not escalate; an unknown workspace is 404 with no event', async () => {
      repo.insert.mockResolvedValue({ id: APPROVAL, parentId: null });
      await service.request(WS, { action: 'x' });
      expect(events.recordAndBroadcast).toHaveBeenCalledTimes(1);
      repo.insert.mockResolvedValue(undefined);
      expect(await apiFailure(service.request(WS, { action: 'x' }))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
      expect(events.recordAndBroadcast).toHaveBeenCalledTimes(1);
    });
  });

  describe('decide', () => {
    it('refuses the requesting workspace’s own token before anything else', async () => {
      expect(
        await apiFailure(
          service.decide({ via: 'workspace-token', workspaceId: WS }, WS, APPROVAL, {
            decision: 'approved',
          }),
        ),
      ).toEqual([403, { error: 'approvals must be decided by an operator' }]);
      expect(repo.decide).not.toHaveBeenCalled();
    });

    it.each(['admin-token', 'org-token', 'same-origin-canvas', 'dev-mode'] as const)(
      '%s decides; only requests created within the TTL are decidable',
      async (via) => {
        repo.decide.mockResolvedValue(true);
        expect(await service.decide({ via }, WS, APPROVAL, { decision: 'denied' })).toEqual({
          status: 'denied',
          approval_id: APPROVAL,
        });
        expect(repo.decide).toHaveBeenCalledWith(
          WS,
          APPROVAL,
          'denied',
          'human',
          new Date(NOW.getTime() - APPROVAL_TTL_MS),
          NOW,
        );
        expect(events.recordAndBroadcast).toHaveBeenCalledWith('APPROVAL_DENIED', WS, {
          approval_id: APPROVAL,
          decision: 'denied',
          decided_by: 'human',
        });
      },
    );

    it('a malformed approval id is the contract 404 without a query', async () => {
      expect(
        await apiFailure(service.decide({ via: 'admin-token' }, WS, 'x', { decision: 'approved' })),
      ).toEqual([404, { error: 'approval not found or already decided' }]);
      expect(repo.decide).not.toHaveBeenCalled();
    });
  });

  describe('expireDue', () => {
    it('denies in batches until one comes back short, one APPROVAL_DENIED per request', async () => {
      const batch = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ id: `a-${n}-${i}`, workspace_id: WS }));
      repo.expire.mockResolvedValueOnce(batch(EXPIRY_BATCH)).mockResolvedValueOnce(batch(2));
      expect(await service.expireDue()).toBe(EXPIRY_BATCH + 2);
      expect(repo.expire).toHaveBeenCalledTimes(2);
      expect(repo.expire).toHaveBeenCalledWith(new Date(NOW.getTime() - APPROVAL_TTL_MS), NOW);
      expect(events.recordAndBroadcast).toHaveBeenCalledTimes(EXPIRY_BATCH + 2);
      expect(events.recordAndBroadcast).toHaveBeenLastCalledWith('APPROVAL_DENIED', WS, {
        approval_id: 'a-2-1',
        decision: 'denied',
        decided_by: 'auto-expired',
      });
    });

    it('reads expire first, and still answer when the expiry fails', async () => {
      repo.expire.mockRejectedValue(new Error('boom'));
      expect(await service.pending()).toEqual([]);
      expect(await service.list(WS)).toEqual([]);
      expect(repo.expire).toHaveBeenCalledTimes(2);
    });
  });
});
