import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { SubscriberAccess } from '../../events/ws/subscriber-access';
import { AncestryRepository, Lineage } from './ancestry.repository';
import { WorkspaceAccess } from './workspace-access';

const PARENT = '0a000000-0000-4000-8000-000000000001';
const CHILD_A = '0a000000-0000-4000-8000-00000000000a';
const CHILD_B = '0a000000-0000-4000-8000-00000000000b';
const GRANDCHILD = '0a000000-0000-4000-8000-0000000000ff';

const CHART = new Map<string, Lineage>([
  [PARENT, { parentId: null, ancestors: [] }],
  [CHILD_A, { parentId: PARENT, ancestors: [PARENT] }],
  [CHILD_B, { parentId: PARENT, ancestors: [PARENT] }],
  [GRANDCHILD, { parentId: CHILD_B, ancestors: [CHILD_B, PARENT] }],
]);

describe('WorkspaceAccess', () => {
  let ancestry: MockProxy<AncestryRepository>;
  let subscribers: SubscriberAccess;
  let access: WorkspaceAccess;

  beforeEach(() => {
    ancestry = mock<AncestryRepository>();
    ancestry.lineages.mockImplementation(
      async (ids) => new Map(ids.filter((id) => CHART.has(id)).map((id) => [id, CHART.get(id)!])),
    );
    subscribers = new SubscriberAccess();
    access = new WorkspaceAccess(ancestry, subscribers);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('canCommunicate', () => {
    it('answers the same id with true without a lookup, UUID or not', async () => {
      expect(await access.canCommunicate(CHILD_A, CHILD_A)).toBe(true);
      expect(await access.canCommunicate('webhook:github', 'webhook:github')).toBe(true);
      expect(ancestry.lineages).not.toHaveBeenCalled();
    });

    it('answers ids that are not UUIDs with false without a lookup', async () => {
      expect(await access.canCommunicate('system:scheduler', CHILD_A)).toBe(false);
      expect(await access.canCommunicate(CHILD_A, 'not-a-uuid')).toBe(false);
      expect(await access.canCommunicate('', CHILD_A)).toBe(false);
      expect(ancestry.lineages).not.toHaveBeenCalled();
    });

    it('applies the hierarchy rule to both lineages fetched in one lookup', async () => {
      expect(await access.canCommunicate(CHILD_A, CHILD_B)).toBe(true);
      expect(ancestry.lineages).toHaveBeenCalledTimes(1);
      expect(ancestry.lineages).toHaveBeenCalledWith([CHILD_B, CHILD_A]);
      expect(await access.canCommunicate(CHILD_A, GRANDCHILD)).toBe(false);
      expect(await access.canCommunicate(PARENT, GRANDCHILD)).toBe(true);
    });

    it('compares canonical UUIDs, whatever case or form the caller used', async () => {
      expect(await access.canCommunicate(CHILD_A.toUpperCase(), CHILD_B)).toBe(true);
      expect(ancestry.lineages).toHaveBeenCalledWith([CHILD_B, CHILD_A]);
      expect(await access.canCommunicate(`{${CHILD_A}}`, CHILD_A)).toBe(true);
    });

    it('denies an unknown workspace', async () => {
      expect(await access.canCommunicate(CHILD_A, '0a000000-0000-4000-8000-0000000000ee')).toBe(
        false,
      );
    });

    it('denies (fail-secure) when the lookup fails, and logs it', async () => {
      ancestry.lineages.mockRejectedValue(new Error('connection terminated'));
      expect(await access.canCommunicate(CHILD_A, CHILD_B)).toBe(false);
      expect(Logger.prototype.error).toHaveBeenCalledTimes(1);
    });
  });

  describe('allowedCallers', () => {
    it('answers every subscriber of an event with one lookup', async () => {
      const allowed = await access.allowedCallers(CHILD_B, [CHILD_A, CHILD_B, GRANDCHILD, PARENT]);
      expect([...allowed].sort()).toEqual([CHILD_A, CHILD_B, GRANDCHILD, PARENT].sort());
      expect(ancestry.lineages).toHaveBeenCalledTimes(1);

      const aboutGrandchild = await access.allowedCallers(GRANDCHILD, [CHILD_A, PARENT]);
      expect([...aboutGrandchild]).toEqual([PARENT]);
    });

    it('keeps the subscriber ids as given', async () => {
      const upper = CHILD_A.toUpperCase();
      expect([...(await access.allowedCallers(CHILD_B, [upper]))]).toEqual([upper]);
    });

    it('only lets a workspace see itself when the event id is not a UUID', async () => {
      const allowed = await access.allowedCallers('system:cron', [CHILD_A, 'system:cron']);
      expect([...allowed]).toEqual(['system:cron']);
      expect(ancestry.lineages).not.toHaveBeenCalled();
    });

    it('withholds from everyone but the workspace itself when the lookup fails', async () => {
      ancestry.lineages.mockRejectedValue(new Error('boom'));
      const allowed = await access.allowedCallers(CHILD_B, [CHILD_A, CHILD_B]);
      expect([...allowed]).toEqual([CHILD_B]);
    });
  });

  it('installs the hierarchy rule as the WebSocket subscriber policy on init', async () => {
    expect([...(await subscribers.allowed(CHILD_B, [CHILD_A]))]).toEqual([]);
    access.onModuleInit();
    expect([...(await subscribers.allowed(CHILD_B, [CHILD_A]))]).toEqual([CHILD_A]);
  });
});
