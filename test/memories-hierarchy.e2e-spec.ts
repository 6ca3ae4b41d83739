import { insertToken, insertWorkspace } from './support/factories';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

/**
 * The org chart every case below reads:
 *
 *   parent                          other-root
 *   ├─ child-1                      └─ other-child
 *   │  ├─ grandchild-1
 *   │  └─ grandchild-2
 *   ├─ child-2
 *   │  └─ grandchild-3
 *   └─ gone-child      (removed)
 *   gone-root          (removed root)
 */
const CHART: Record<string, { parent: string | null; status?: string }> = {
  parent: { parent: null },
  'child-1': { parent: 'parent' },
  'child-2': { parent: 'parent' },
  'grandchild-1': { parent: 'child-1' },
  'grandchild-2': { parent: 'child-1' },
  'grandchild-3': { parent: 'child-2' },
  'gone-child': { parent: 'parent', status: 'removed' },
  'other-root': { parent: null },
  'other-child': { parent: 'other-root' },
  'gone-root': { parent: null, status: 'removed' },
};

/**
 * Whose TEAM memories each workspace reads: itself, its parent, its siblings (roots are not
 * siblings of each other) and its direct children — never a removed writer, never another
 * tree.
 */
const TEAM_READS: Record<string, string[]> = {
  parent: ['parent', 'child-1', 'child-2'],
  'child-1': ['child-1', 'parent', 'child-2', 'grandchild-1', 'grandchild-2'],
  'child-2': ['child-2', 'parent', 'child-1', 'grandchild-3'],
  'grandchild-1': ['grandchild-1', 'child-1', 'grandchild-2'],
  'grandchild-2': ['grandchild-2', 'child-1', 'grandchild-1'],
  'grandchild-3': ['grandchild-3', 'child-2'],
  'other-root': ['other-root', 'other-child'],
  'other-child': ['other-child', 'other-root'],
};

/** Every GLOBAL memory is read by everyone, removed writers' included. */
const GLOBAL_WRITERS = ['parent', 'other-root', 'gone-root'];

describe('memory scopes over the hierarchy', () => {
  const db = useTestDatabase();
  const app = useTestApp(db, { ADMIN_TOKEN: 'hierarchy-admin' });
  const ids: Record<string, string> = {};
  const names: Record<string, string> = {};
  const clients: Record<string, HttpClient> = {};

  beforeAll(async () => {
    for (const [name, { parent, status }] of Object.entries(CHART)) {
      const id = await insertWorkspace(db, {
        name,
        parent_id: parent === null ? null : ids[parent],
        status: status ?? 'online',
      });
      ids[name] = id;
      names[id] = name;
      clients[name] = app.http.withBearer(await insertToken(db, id));
      await db.query(
        `INSERT INTO agent_memories (workspace_id, content, scope) VALUES ($1, $2, 'TEAM'), ($1, $3, 'LOCAL')`,
        [id, `team note of ${name}`, `local note of ${name}`],
      );
    }
    for (const name of GLOBAL_WRITERS) {
      await db.query(
        `INSERT INTO agent_memories (workspace_id, content, scope) VALUES ($1, $2, 'GLOBAL')`,
        [ids[name], `global note of ${name}`],
      );
    }
  });

  const read = async (reader: string, query: string) => {
    const res = await clients[reader].get(`/workspaces/${ids[reader]}/memories?${query}`);
    expect(res.status).toBe(200);
    return res.body as { workspace_id: string; scope: string; content: string }[];
  };
  const writers = (rows: { workspace_id: string }[]) =>
    rows.map((r) => names[r.workspace_id]).sort();

  it.each(Object.entries(TEAM_READS))('TEAM: %s reads the notes of %p', async (reader, team) => {
    const rows = await read(reader, 'scope=TEAM');
    expect(rows.every((r) => r.scope === 'TEAM')).toBe(true);
    expect(writers(rows)).toEqual([...team].sort());
  });

  it.each(Object.keys(TEAM_READS))('TEAM search keeps the same bounds for %s', async (reader) => {
    const rows = await read(reader, 'scope=TEAM&q=team%20note');
    expect(writers(rows)).toEqual([...TEAM_READS[reader]].sort());
  });

  it.each(Object.keys(TEAM_READS))('LOCAL: %s reads only its own notes', async (reader) => {
    const rows = await read(reader, 'scope=LOCAL');
    expect(rows.map((r) => r.content)).toEqual([`local note of ${reader}`]);
  });

  it.each(Object.keys(TEAM_READS))(
    'GLOBAL: %s reads every global note, wrapped',
    async (reader) => {
      const rows = await read(reader, 'scope=GLOBAL');
      expect(writers(rows)).toEqual([...GLOBAL_WRITERS].sort());
      for (const row of rows)
        expect(row.content).toMatch(
          new RegExp(`^\\[MEMORY id=[0-9a-f-]{36} scope=GLOBAL from=${row.workspace_id}\\]: `),
        );
    },
  );

  it.each([
    ['parent', 201],
    ['other-root', 201],
    ['child-1', 403],
    ['grandchild-1', 403],
    ['other-child', 403],
  ])('GLOBAL write from %s → %d', async (writer, status) => {
    const res = await clients[writer].post(`/workspaces/${ids[writer]}/memories`, {
      content: `fresh global from ${writer}`,
      scope: 'GLOBAL',
    });
    expect(res.status).toBe(status);
    if (status === 403)
      expect(res.body).toEqual({ error: 'only root workspaces can write GLOBAL memories' });
    const stored = await db.query(
      `SELECT 1 FROM agent_memories WHERE workspace_id = $1 AND scope = 'GLOBAL' AND content = $2`,
      [ids[writer], `fresh global from ${writer}`],
    );
    expect(stored).toHaveLength(status === 201 ? 1 : 0);
  });

  it.each(Object.keys(TEAM_READS))('TEAM and LOCAL writes from %s are accepted', async (writer) => {
    for (const scope of ['TEAM', 'LOCAL']) {
      const res = await clients[writer].post(`/workspaces/${ids[writer]}/memories`, {
        content: `another ${scope} note`,
        scope,
      });
      expect(res.status).toBe(201);
    }
  });
});
