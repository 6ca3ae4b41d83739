import { AncestryRepository } from '../src/registry/access/ancestry.repository';
import { EventEmitter } from '../src/events/event-emitter.port';
import { insertToken, insertWorkspace } from './support/factories';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';

/**
 * The reference's access_test.go chart, one more level deep, with a removed team:
 *
 *   root-a                               root-b        root-c
 *   ├─ team-1                            └─ team-3
 *   │  ├─ dev-1                             └─ dev-3
 *   │  │  └─ intern-1
 *   │  │     └─ trainee-1
 *   │  └─ dev-2
 *   └─ team-2 (removed)
 *      └─ dev-4
 */
const CHART = [
  ['root-a', null],
  ['root-b', null],
  ['root-c', null],
  ['team-1', 'root-a'],
  ['team-2', 'root-a'],
  ['team-3', 'root-b'],
  ['dev-1', 'team-1'],
  ['dev-2', 'team-1'],
  ['dev-3', 'team-3'],
  ['dev-4', 'team-2'],
  ['intern-1', 'dev-1'],
  ['trainee-1', 'intern-1'],
] as const;
type Name = (typeof CHART)[number][0];

/** Inserts a fresh copy of the chart; returns name → id. */
async function orgChart(db: TestDatabase): Promise<Record<Name, string>> {
  const ids = {} as Record<Name, string>;
  for (const [name, parent] of CHART) {
    ids[name] = await insertWorkspace(db, {
      name,
      parent_id: parent === null ? null : ids[parent],
      status: name === 'team-2' ? 'removed' : 'online',
    });
  }
  return ids;
}

/** A root-first chain of `length` workspaces; returns the ids, root first. */
async function chain(db: TestDatabase, length: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < length; i++) {
    ids.push(await insertWorkspace(db, { parent_id: ids[i - 1] ?? null }));
  }
  return ids;
}

describe('the hierarchy rule (CanCommunicate)', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);
  const checkAccess = (body: unknown) => app.http.post('/registry/check-access', body);
  const allowed = async (caller: string, target: string) => {
    const res = await checkAccess({ caller_id: caller, target_id: target });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['allowed']);
    return res.body.allowed as boolean;
  };

  describe('POST /registry/check-access', () => {
    let ids: Record<Name, string>;
    beforeAll(async () => {
      ids = await orgChart(db);
    });

    it.each<[string, Name, Name, boolean]>([
      ['siblings', 'dev-1', 'dev-2', true],
      ['siblings, the other way', 'dev-2', 'dev-1', true],
      ['root siblings', 'root-a', 'root-b', true],
      ['parent → child', 'team-1', 'dev-1', true],
      ['child → parent', 'dev-1', 'team-1', true],
      ['grandparent → grandchild', 'root-a', 'dev-1', true],
      ['grandchild → grandparent', 'dev-1', 'root-a', true],
      ['deep descendant → root', 'trainee-1', 'root-a', true],
      ['root → deep descendant', 'root-a', 'trainee-1', true],
      ['cousins', 'dev-1', 'dev-4', false],
      ['cousins, the other way', 'dev-4', 'dev-1', false],
      ['uncle → nephew', 'team-1', 'dev-4', false],
      ['nephew → uncle', 'intern-1', 'dev-2', false],
      ['child of one root → an unrelated root', 'team-3', 'root-a', false],
      ['unrelated root → a child of another root', 'root-c', 'dev-3', false],
      ['unrelated subtrees', 'dev-1', 'dev-3', false],
    ])('%s: %s → %s is %s', async (_case, caller, target, expected) => {
      expect(await allowed(ids[caller], ids[target])).toBe(expected);
    });

    it('counts removed workspaces: the chart ignores status', async () => {
      // dev-4 reaches its root through its removed parent, and the removed team its siblings.
      expect(await allowed(ids['dev-4'], ids['root-a'])).toBe(true);
      expect(await allowed(ids['root-a'], ids['dev-4'])).toBe(true);
      expect(await allowed(ids['team-2'], ids['team-1'])).toBe(true);
      expect(await allowed(ids['dev-4'], ids['team-2'])).toBe(true);
    });

    it('answers the same id with true without looking anything up', async () => {
      expect(await allowed(ids['dev-1'], ids['dev-1'])).toBe(true);
      expect(await allowed('webhook:github', 'webhook:github')).toBe(true);
    });

    it('denies unknown workspaces and ids that are not UUIDs, with 200', async () => {
      const unknown = '00000000-0000-4000-8000-0000000000aa';
      expect(await allowed(unknown, ids['root-a'])).toBe(false);
      expect(await allowed(ids['root-a'], unknown)).toBe(false);
      expect(await allowed(unknown, '00000000-0000-4000-8000-0000000000bb')).toBe(false);
      expect(await allowed('system:scheduler', ids['dev-1'])).toBe(false);
      expect(await allowed(ids['dev-1'], 'not-a-uuid')).toBe(false);
    });

    it('accepts UUIDs in any case', async () => {
      expect(await allowed(ids['dev-1'].toUpperCase(), ids['dev-2'])).toBe(true);
      expect(await allowed(ids['dev-1'].toUpperCase(), ids['dev-4'])).toBe(false);
    });

    it('walks at most 33 levels up, as the reference (parent + 32 steps)', async () => {
      const ids = await chain(db, 35);
      expect(await allowed(ids[33], ids[0])).toBe(true);
      expect(await allowed(ids[0], ids[33])).toBe(true);
      expect(await allowed(ids[34], ids[0])).toBe(false);
      expect(await allowed(ids[0], ids[34])).toBe(false);
    });

    it('terminates on a parent cycle', async () => {
      const [a, b] = await chain(db, 2);
      const outsider = await insertWorkspace(db);
      await db.query('UPDATE workspaces SET parent_id = $2 WHERE id = $1', [a, b]);
      expect(await allowed(b, a)).toBe(true);
      expect(await allowed(a, outsider)).toBe(false);
      expect(await allowed(outsider, b)).toBe(false);
    });

    it('answers 400 invalid request body for a malformed or incomplete body', async () => {
      const bad = [
        '{"caller_id":',
        'not json',
        '',
        { caller_id: ids['dev-1'] },
        { target_id: ids['dev-1'] },
        { caller_id: '', target_id: ids['dev-1'] },
        { caller_id: ids['dev-1'], target_id: '' },
        { caller_id: 42, target_id: ids['dev-1'] },
        { caller_id: ids['dev-1'], target_id: null },
      ];
      for (const body of bad) {
        const res = await checkAccess(body);
        expect([res.status, res.text]).toEqual([400, '{"error":"invalid request body"}']);
      }
    });

    it('needs no credentials even when the workspaces hold tokens', async () => {
      const [a, b] = await chain(db, 2);
      await insertToken(db, a);
      await insertToken(db, b);
      expect(await allowed(a, b)).toBe(true);
    });
  });

  describe('GET /ws agent filtering', () => {
    const emitter = () => app.get(EventEmitter);

    it('sends an agent the events of workspaces it may talk to, a canvas everything', async () => {
      const ids = await orgChart(db);
      const agent = await TestWsClient.connect(app.baseUrl, { 'X-Workspace-ID': ids['dev-1'] });
      const canvas = await TestWsClient.connect(app.baseUrl);
      try {
        const about: (Name | '')[] = [
          'dev-4', // cousin
          'dev-2', // sibling
          'team-2', // uncle
          'team-1', // parent
          'root-b', // unrelated root
          '',
          'root-a', // grandparent
          'dev-3', // unrelated subtree
          'trainee-1', // grandchild
          'dev-1', // itself, last
        ];
        for (const name of about) {
          await emitter().recordAndBroadcast('ACCESS_PROBE', name === '' ? '' : ids[name]);
        }
        await agent.nextEvent('ACCESS_PROBE', ids['dev-1']);
        await canvas.nextEvent('ACCESS_PROBE', ids['dev-1']);

        const seen = (ws: TestWsClient) =>
          ws.frames.filter((f) => f.event === 'ACCESS_PROBE').map((f) => f.workspace_id);
        expect(seen(agent)).toEqual(
          (['dev-2', 'team-1', 'root-a', 'trainee-1', 'dev-1'] as const).map((n) => ids[n]),
        );
        expect(seen(canvas)).toEqual(about.map((n) => (n === '' ? '' : ids[n])));
      } finally {
        await agent.close();
        await canvas.close();
      }
    });

    it('answers all agent subscribers of an event with one lookup', async () => {
      const ids = await orgChart(db);
      const lineages = jest.spyOn(app.get(AncestryRepository), 'lineages');
      const sockets = await Promise.all(
        (['dev-1', 'dev-2', 'dev-3', 'root-c'] as const).map((n) =>
          TestWsClient.connect(app.baseUrl, { 'X-Workspace-ID': ids[n] }),
        ),
      );
      try {
        lineages.mockClear();
        await emitter().recordAndBroadcast('ACCESS_PROBE_ONCE', ids['team-1']);
        await sockets[0].nextEvent('ACCESS_PROBE_ONCE');
        await sockets[1].nextEvent('ACCESS_PROBE_ONCE');
        // Sent after the probe: once it is in, the probe's delivery to dev-3 is settled too.
        await emitter().recordAndBroadcast('ACCESS_PROBE_ONCE', ids['dev-3']);
        await sockets[2].nextEvent('ACCESS_PROBE_ONCE', ids['dev-3']);
        expect(lineages).toHaveBeenCalledTimes(2);
        expect(sockets[2].frames.map((f) => f.workspace_id)).toEqual([ids['dev-3']]);
        expect(sockets[3].frames).toEqual([]);
      } finally {
        lineages.mockRestore();
        await Promise.all(sockets.map((s) => s.close()));
      }
    });
  });
});
