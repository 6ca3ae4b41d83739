import { randomUUID } from 'node:crypto';
import { Clock } from '../src/common/clock/clock';
import { WorkspaceScheduleEntity } from '../src/database/entities';
import {
  insertSchedule as insertScheduleRow,
  insertToken,
  insertWorkspace,
} from './support/factories';
import { FakeClock } from './support/fake-clock';
import { HttpClient } from './support/http-client';
import { useTestApp } from './support/test-app';
import { TestDatabase, useTestDatabase } from './support/test-database';

const ADMIN_TOKEN = 'schedules-admin';
const NOW = new Date('2026-04-01T12:30:00.000Z');
// Nothing fires by itself: these tests are about the API.
const ENV = { ADMIN_TOKEN, SCHEDULER_POLL_INTERVAL_MS: '3600000' };

/** A schedule row as stored. */
type StoredSchedule = WorkspaceScheduleEntity;

async function stored(db: TestDatabase, workspaceId: string): Promise<StoredSchedule[]> {
  return db.query<StoredSchedule>(
    'SELECT * FROM workspace_schedules WHERE workspace_id = $1 ORDER BY created_at, id',
    [workspaceId],
  );
}

/** A schedule due half an hour after NOW, hourly unless told otherwise. */
function insertSchedule(
  db: TestDatabase,
  workspaceId: string,
  fields: Record<string, unknown> = {},
) {
  return insertScheduleRow(db, workspaceId, {
    cron_expr: '0 * * * *',
    prompt: 'hello',
    next_run_at: new Date(NOW.getTime() + 30 * 60_000),
    ...fields,
  });
}

async function insertCronRun(
  db: TestDatabase,
  workspaceId: string,
  fields: { schedule_id?: string; status?: string; error_detail?: string | null; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO activity_logs (workspace_id, activity_type, method, summary, request_body, status,
                                error_detail, created_at)
     VALUES ($1, 'cron_run', 'cron', 'Cron: x', $2, $3, $4, $5)`,
    [
      workspaceId,
      fields.schedule_id === undefined ? null : JSON.stringify({ schedule_id: fields.schedule_id }),
      fields.status ?? 'ok',
      fields.error_detail ?? null,
      fields.at,
    ],
  );
}

describe('schedule API', () => {
  const db = useTestDatabase();
  const clock = new FakeClock(NOW);
  const app = useTestApp(db, ENV, [{ provide: Clock, useValue: clock }]);
  let admin: HttpClient;
  beforeAll(() => {
    admin = app.http.withBearer(ADMIN_TOKEN);
  });

  describe('auth', () => {
    it('needs a credential for the workspace', async () => {
      const ws = await insertWorkspace(db);
      const other = await insertWorkspace(db);
      const anonymous = await app.http.get(`/workspaces/${ws}/schedules`);
      expect([anonymous.status, anonymous.body]).toEqual([
        401,
        { error: 'missing workspace auth token' },
      ]);
      const foreign = app.http.withBearer(await insertToken(db, other));
      const refused = await foreign.post(`/workspaces/${ws}/schedules`, {
        cron_expr: '* * * * *',
        prompt: 'x',
      });
      expect([refused.status, refused.body]).toEqual([
        401,
        { error: 'invalid workspace auth token' },
      ]);
      expect(await stored(db, ws)).toEqual([]);
      const own = app.http.withBearer(await insertToken(db, ws));
      expect((await own.get(`/workspaces/${ws}/schedules`)).status).toBe(200);
    });

    it('refuses a workspace id that is not a UUID', async () => {
      const res = await admin.get('/workspaces/not-a-uuid/schedules');
      expect([res.status, res.body]).toEqual([400, { error: 'invalid workspace ID' }]);
    });
  });

  describe('POST /workspaces/:id/schedules', () => {
    it('creates a runtime schedule with its next run computed from now', async () => {
      const ws = await insertWorkspace(db);
      const res = await admin.post(`/workspaces/${ws}/schedules`, {
        name: 'hourly report',
        cron_expr: '0 * * * *',
        prompt: 'Write the report',
        extra: 'ignored',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        status: 'created',
        next_run_at: '2026-04-01T13:00:00.000Z',
      });
      const [row] = await stored(db, ws);
      expect(row).toMatchObject({
        id: res.body.id,
        name: 'hourly report',
        cron_expr: '0 * * * *',
        timezone: 'UTC',
        prompt: 'Write the report',
        enabled: true,
        source: 'runtime',
        run_count: 0,
        last_run_at: null,
      });
      expect(row.next_run_at).toEqual(new Date('2026-04-01T13:00:00.000Z'));
    });

    it('computes the next run in the schedule time zone; a disabled one gets one too', async () => {
      const ws = await insertWorkspace(db);
      const res = await admin.post(`/workspaces/${ws}/schedules`, {
        cron_expr: '0 9 * * *',
        timezone: 'America/New_York',
        prompt: 'morning',
        enabled: false,
      });
      // 12:30 UTC is 08:30 EDT: the next 09:00 there is 13:00 UTC the same day.
      expect(res.body.next_run_at).toBe('2026-04-01T13:00:00.000Z');
      expect((await stored(db, ws))[0]).toMatchObject({
        timezone: 'America/New_York',
        enabled: false,
        name: '',
      });
    });

    it('matches field names case-insensitively, as Go decodes the body', async () => {
      const ws = await insertWorkspace(db);
      const res = await admin.post(`/workspaces/${ws}/schedules`, {
        Cron_Expr: '*/10 * * * *',
        PROMPT: 'shouted',
      });
      expect(res.status).toBe(201);
      expect((await stored(db, ws))[0]).toMatchObject({
        cron_expr: '*/10 * * * *',
        prompt: 'shouted',
      });
    });

    it('strips carriage returns from the prompt', async () => {
      const ws = await insertWorkspace(db);
      await admin.post(`/workspaces/${ws}/schedules`, {
        cron_expr: '* * * * *',
        prompt: 'line one\r\nline two\r',
      });
      expect((await stored(db, ws))[0].prompt).toBe('line one\nline two');
    });

    const required = { error: 'cron_expr and prompt are required' };
    it.each([
      ['no cron_expr', { prompt: 'x' }, required],
      ['no prompt', { cron_expr: '* * * * *' }, required],
      ['empty cron_expr', { cron_expr: '', prompt: 'x' }, required],
      ['empty prompt', { cron_expr: '* * * * *', prompt: '' }, required],
      ['a prompt of carriage returns only', { cron_expr: '* * * * *', prompt: '\r\r' }, required],
      ['null cron_expr', { cron_expr: null, prompt: 'x' }, required],
      ['a number for name', { name: 5, cron_expr: '* * * * *', prompt: 'x' }, required],
      ['a string for enabled', { cron_expr: '* * * * *', prompt: 'x', enabled: 'yes' }, required],
      ['a JSON array', [{ cron_expr: '* * * * *', prompt: 'x' }], required],
      ['malformed JSON', '{"cron_expr": "* * * * *", "prompt": ', required],
      ['no body', undefined, required],
      [
        'an unknown time zone',
        { cron_expr: '* * * * *', prompt: 'x', timezone: 'Mars/Olympus' },
        { error: 'invalid timezone: Mars/Olympus' },
      ],
      [
        'a time zone in the wrong case',
        { cron_expr: '* * * * *', prompt: 'x', timezone: 'europe/berlin' },
        { error: 'invalid timezone: europe/berlin' },
      ],
      [
        'an oversized prompt',
        { cron_expr: '* * * * *', prompt: 'x'.repeat(128 * 1024 + 1) },
        { error: 'prompt is too long (at most 131072 bytes)' },
      ],
      [
        // Refused at the edge (PostgreSQL text cannot hold it), like every JSON body.
        'a NUL in the prompt',
        { cron_expr: '* * * * *', prompt: 'a\u0000b' },
        { error: 'invalid request body' },
      ],
    ])('refuses %s with a 400 and writes nothing', async (_, body, error) => {
      const ws = await insertWorkspace(db);
      const res = await admin.post(`/workspaces/${ws}/schedules`, body);
      expect([res.status, res.body]).toEqual([400, error]);
      expect(await stored(db, ws)).toEqual([]);
    });

    it.each([
      ['not-a-cron', 'expected exactly 5 fields, found 1'],
      ['@hourly', 'parser does not accept descriptors'],
      ['0 0 * * * *', 'expected exactly 5 fields, found 6'],
      ['0 9 * * 7', 'end of range (7) above maximum (6)'],
      ['61 * * * *', 'end of range (61) above maximum (59)'],
      ['0 0 31 2 *', 'never matches any date'],
      ['TZ=UTC', 'no expression after TZ=<zone>'],
    ])('refuses the cron expression %p: 400 invalid request body', async (cron, cause) => {
      const ws = await insertWorkspace(db);
      const res = await admin.post(`/workspaces/${ws}/schedules`, {
        cron_expr: cron,
        prompt: 'x',
      });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ error: 'invalid request body', detail: expect.any(String) });
      expect(res.body.detail).toContain(`invalid cron expression "${cron}": `);
      expect(res.body.detail).toContain(cause);
      expect(await stored(db, ws)).toEqual([]);
    });

    it('answers 404 for an unknown or removed workspace', async () => {
      const unknown = await admin.post(`/workspaces/${randomUUID()}/schedules`, {
        cron_expr: '* * * * *',
        prompt: 'x',
      });
      expect([unknown.status, unknown.body]).toEqual([404, { error: 'workspace not found' }]);
      const removed = await insertWorkspace(db, { status: 'removed' });
      const res = await admin.post(`/workspaces/${removed}/schedules`, {
        cron_expr: '* * * * *',
        prompt: 'x',
      });
      expect([res.status, res.body]).toEqual([404, { error: 'workspace not found' }]);
      expect(await stored(db, removed)).toEqual([]);
    });

    it('refuses a second schedule with the same name (the empty name too): 409', async () => {
      const ws = await insertWorkspace(db);
      for (const name of ['daily', undefined]) {
        const body = { name, cron_expr: '* * * * *', prompt: 'x' };
        expect((await admin.post(`/workspaces/${ws}/schedules`, body)).status).toBe(201);
        const again = await admin.post(`/workspaces/${ws}/schedules`, body);
        expect([again.status, again.body]).toEqual([
          409,
          { error: 'a schedule with this name already exists in this workspace' },
        ]);
      }
      expect(await stored(db, ws)).toHaveLength(2);
    });
  });

  describe('GET /workspaces/:id/schedules', () => {
    it('lists the workspace schedules oldest first with every field, template and runtime', async () => {
      const ws = await insertWorkspace(db);
      expect((await admin.get(`/workspaces/${ws}/schedules`)).body).toEqual([]);
      const first = await insertSchedule(db, ws, {
        name: 'seeded',
        source: 'template',
        created_at: new Date('2026-01-01T00:00:00Z'),
        last_status: null,
        last_error: null,
      });
      const created = await admin.post(`/workspaces/${ws}/schedules`, {
        name: 'mine',
        cron_expr: '*/5 * * * *',
        prompt: 'check',
      });
      await insertSchedule(db, await insertWorkspace(db)); // another workspace's

      const res = await admin.get(`/workspaces/${ws}/schedules`);
      expect(res.status).toBe(200);
      expect(res.body.map((s: { id: string }) => s.id)).toEqual([first, created.body.id]);
      expect(Object.keys(res.body[1]).sort()).toEqual(
        [
          'id',
          'workspace_id',
          'name',
          'cron_expr',
          'timezone',
          'prompt',
          'enabled',
          'last_run_at',
          'next_run_at',
          'run_count',
          'last_status',
          'last_error',
          'source',
          'created_at',
          'updated_at',
        ].sort(),
      );
      expect(res.body[0]).toMatchObject({ source: 'template', last_status: '', last_error: '' });
      expect(res.body[1]).toMatchObject({
        workspace_id: ws,
        name: 'mine',
        cron_expr: '*/5 * * * *',
        timezone: 'UTC',
        prompt: 'check',
        enabled: true,
        last_run_at: null,
        next_run_at: '2026-04-01T12:35:00.000Z',
        run_count: 0,
        last_status: '',
        last_error: '',
        source: 'runtime',
      });
    });
  });

  describe('PATCH /workspaces/:id/schedules/:scheduleId', () => {
    it('changes only what is sent; cron or zone changes recompute the next run', async () => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws, { name: 'a', source: 'template' });
      const path = `/workspaces/${ws}/schedules/${id}`;
      const [before] = await stored(db, ws);

      const empty = await admin.patch(path, {});
      expect([empty.status, empty.body]).toEqual([200, { status: 'updated' }]);
      const [touched] = await stored(db, ws);
      expect(touched.updated_at.getTime()).toBeGreaterThan(before.updated_at.getTime());
      expect(touched.next_run_at).toEqual(before.next_run_at);

      await admin.patch(path, { name: 'b', prompt: 'new\r\nprompt', cron_expr: null });
      expect((await stored(db, ws))[0]).toMatchObject({
        name: 'b',
        prompt: 'new\nprompt',
        cron_expr: '0 * * * *',
        source: 'template',
      });

      await admin.patch(path, { cron_expr: '45 * * * *' });
      expect((await stored(db, ws))[0].next_run_at).toEqual(new Date('2026-04-01T12:45:00Z'));

      await admin.patch(path, { cron_expr: '0 9 * * *', timezone: 'Asia/Tokyo' });
      // 09:00 in Tokyo is 00:00 UTC; from 12:30 UTC the next is 2 April.
      expect((await stored(db, ws))[0]).toMatchObject({
        timezone: 'Asia/Tokyo',
        next_run_at: new Date('2026-04-02T00:00:00Z'),
      });

      await admin.patch(path, { timezone: '' });
      expect((await stored(db, ws))[0]).toMatchObject({
        timezone: 'UTC',
        next_run_at: new Date('2026-04-02T09:00:00Z'),
      });
    });

    it('re-enabling recomputes the next run: a slot missed while disabled does not fire', async () => {
      const ws = await insertWorkspace(db);
      const past = new Date(NOW.getTime() - 3 * 3_600_000);
      const id = await insertSchedule(db, ws, { enabled: false, next_run_at: past });
      const path = `/workspaces/${ws}/schedules/${id}`;

      await admin.patch(path, { enabled: false });
      expect((await stored(db, ws))[0].next_run_at).toEqual(past);
      await admin.patch(path, { enabled: true });
      expect((await stored(db, ws))[0]).toMatchObject({
        enabled: true,
        next_run_at: new Date('2026-04-01T13:00:00Z'),
      });

      // Already enabled: an overdue slot is kept (it fires on the next tick).
      await db.query('UPDATE workspace_schedules SET next_run_at = $2 WHERE id = $1', [id, past]);
      await admin.patch(path, { enabled: true });
      expect((await stored(db, ws))[0].next_run_at).toEqual(past);
    });

    it('a recomputed next run ends a capacity deferral', async () => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws, { deferred_since: NOW });
      await admin.patch(`/workspaces/${ws}/schedules/${id}`, { cron_expr: '*/10 * * * *' });
      expect((await stored(db, ws))[0].deferred_since).toBeNull();
    });

    it.each([
      ['a type mismatch', { enabled: 'yes' }, 400, { error: 'invalid JSON' }],
      ['a number for prompt', { prompt: 3 }, 400, { error: 'invalid JSON' }],
      ['malformed JSON', '{"name": ', 400, { error: 'invalid JSON' }],
      ['an empty prompt', { prompt: '' }, 400, { error: 'prompt must not be empty' }],
      ['a prompt of CRs', { prompt: '\r' }, 400, { error: 'prompt must not be empty' }],
      [
        'an oversized prompt',
        { prompt: 'é'.repeat(70_000) },
        400,
        { error: 'prompt is too long (at most 131072 bytes)' },
      ],
      ['a NUL in the name', { name: 'a\u0000' }, 400, { error: 'invalid request body' }],
      [
        'an unknown time zone',
        { timezone: 'Not/AZone' },
        400,
        { error: 'invalid timezone: Not/AZone' },
      ],
      [
        'an invalid cron expression',
        { cron_expr: '@daily', name: 'renamed' },
        400,
        { error: 'invalid request body', detail: expect.stringContaining('descriptors') },
      ],
    ])('refuses %s and writes nothing', async (_, body, status, error) => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws);
      const before = await stored(db, ws);
      const res = await admin.patch(`/workspaces/${ws}/schedules/${id}`, body);
      expect([res.status, res.body]).toEqual([status, error]);
      expect(await stored(db, ws)).toEqual(before);
    });

    it('answers 404 for an unknown id, a non-UUID id and another workspace schedule', async () => {
      const ws = await insertWorkspace(db);
      const theirs = await insertWorkspace(db);
      const theirSchedule = await insertSchedule(db, theirs);
      const before = await stored(db, theirs);
      for (const id of [randomUUID(), 'not-a-uuid', theirSchedule]) {
        const res = await admin.patch(`/workspaces/${ws}/schedules/${id}`, {
          name: 'hijacked',
          cron_expr: '* * * * *',
        });
        expect([res.status, res.body]).toEqual([404, { error: 'schedule not found' }]);
      }
      expect(await stored(db, theirs)).toEqual(before);
    });

    it('refuses a name another schedule of the workspace has: 409', async () => {
      const ws = await insertWorkspace(db);
      await insertSchedule(db, ws, { name: 'taken' });
      const id = await insertSchedule(db, ws, { name: 'free' });
      const res = await admin.patch(`/workspaces/${ws}/schedules/${id}`, { name: 'taken' });
      expect([res.status, res.body]).toEqual([
        409,
        { error: 'a schedule with this name already exists in this workspace' },
      ]);
      expect((await stored(db, ws)).map((s) => s.name).sort()).toEqual(['free', 'taken']);
    });
  });

  describe('DELETE /workspaces/:id/schedules/:scheduleId', () => {
    it('deletes the schedule and keeps its history', async () => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws);
      await insertCronRun(db, ws, { schedule_id: id, at: NOW });
      const res = await admin.delete(`/workspaces/${ws}/schedules/${id}`);
      expect([res.status, res.body]).toEqual([200, { status: 'deleted' }]);
      expect(await stored(db, ws)).toEqual([]);
      expect(
        await db.query(`SELECT 1 FROM activity_logs WHERE workspace_id = $1`, [ws]),
      ).toHaveLength(1);
      const again = await admin.delete(`/workspaces/${ws}/schedules/${id}`);
      expect([again.status, again.body]).toEqual([404, { error: 'schedule not found' }]);
    });

    it('answers 404 for a non-UUID id and for another workspace schedule, deleting nothing', async () => {
      const ws = await insertWorkspace(db);
      const theirs = await insertWorkspace(db);
      const theirSchedule = await insertSchedule(db, theirs);
      for (const id of ['42', theirSchedule]) {
        const res = await admin.delete(`/workspaces/${ws}/schedules/${id}`);
        expect([res.status, res.body]).toEqual([404, { error: 'schedule not found' }]);
      }
      expect(await stored(db, theirs)).toHaveLength(1);
    });
  });

  describe('POST /workspaces/:id/schedules/:scheduleId/run', () => {
    it('returns the prompt and fires nothing (the canvas sends it), disabled or not', async () => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws, { prompt: 'do it now', enabled: false });
      const before = await stored(db, ws);
      const res = await admin.post(`/workspaces/${ws}/schedules/${id}/run`, {});
      expect([res.status, res.body]).toEqual([
        200,
        { status: 'fired', workspace_id: ws, prompt: 'do it now' },
      ]);
      expect(await stored(db, ws)).toEqual(before);
      expect(await db.query('SELECT 1 FROM activity_logs WHERE workspace_id = $1', [ws])).toEqual(
        [],
      );
    });

    it('answers 404 for an unknown id, a non-UUID id and another workspace schedule', async () => {
      const ws = await insertWorkspace(db);
      const theirSchedule = await insertSchedule(db, await insertWorkspace(db));
      for (const id of [randomUUID(), 'nope', theirSchedule]) {
        const res = await admin.post(`/workspaces/${ws}/schedules/${id}/run`);
        expect([res.status, res.body]).toEqual([404, { error: 'schedule not found' }]);
      }
    });
  });

  describe('GET /workspaces/:id/schedules/:scheduleId/history', () => {
    it('lists the last 20 runs of that schedule, newest first', async () => {
      const ws = await insertWorkspace(db);
      const id = await insertSchedule(db, ws);
      const other = await insertSchedule(db, ws);
      for (let i = 0; i < 22; i++) {
        await insertCronRun(db, ws, {
          schedule_id: id,
          status: i === 21 ? 'error' : 'ok',
          error_detail: i === 21 ? 'workspace has no URL' : null,
          at: new Date(NOW.getTime() - (22 - i) * 60_000),
        });
      }
      await insertCronRun(db, ws, { schedule_id: other, at: NOW });

      const res = await admin.get(`/workspaces/${ws}/schedules/${id.toUpperCase()}/history`);
      expect(res.status).toBe(200);
      expect(res.body).toHaveLength(20);
      expect(res.body[0]).toEqual({
        timestamp: new Date(NOW.getTime() - 60_000).toISOString(),
        duration_ms: null,
        status: 'error',
        error_detail: 'workspace has no URL',
        request: { schedule_id: id },
      });
      expect(res.body[1]).toMatchObject({ status: 'ok', error_detail: '' });
    });

    it('answers [] for an unknown id, a non-UUID id and another workspace schedule', async () => {
      const ws = await insertWorkspace(db);
      const theirs = await insertWorkspace(db);
      const theirSchedule = await insertSchedule(db, theirs);
      await insertCronRun(db, theirs, { schedule_id: theirSchedule, at: NOW });
      for (const id of [randomUUID(), 'nope', theirSchedule]) {
        const res = await admin.get(`/workspaces/${ws}/schedules/${id}/history`);
        expect([res.status, res.body]).toEqual([200, []]);
      }
    });
  });

  describe('GET /workspaces/:id/schedules/health (peer view)', () => {
    const health = (target: string, headers: Record<string, string>) =>
      app.http.get(`/workspaces/${target}/schedules/health`, { headers });

    it('needs X-Workspace-ID', async () => {
      const res = await health(await insertWorkspace(db), {});
      expect([res.status, res.body]).toEqual([401, { error: 'X-Workspace-ID header required' }]);
    });

    it('refuses system-prefixed and malformed caller ids (the reference trusted them)', async () => {
      const target = await insertWorkspace(db);
      for (const caller of ['system:x', 'webhook:github', 'not-a-uuid']) {
        const res = await health(target, { 'X-Workspace-ID': caller });
        expect([res.status, res.body]).toEqual([403, { error: 'invalid caller ID' }]);
      }
    });

    it('shows a workspace its own schedules without prompt, cron or zone', async () => {
      const target = await insertWorkspace(db);
      await insertToken(db, target);
      const id = await insertSchedule(db, target, { name: 'n', prompt: 'secret prompt' });
      const res = await health(target, { 'X-Workspace-ID': target });
      expect(res.status).toBe(200);
      expect(res.body).toEqual([
        {
          id,
          name: 'n',
          enabled: true,
          last_run_at: null,
          next_run_at: '2026-04-01T13:00:00.000Z',
          run_count: 0,
          last_status: '',
          last_error: '',
        },
      ]);
      expect(res.text).not.toMatch(/prompt|cron_expr|timezone/);
    });

    it('lets a peer the hierarchy allows in, with its own token once it has one', async () => {
      const parent = await insertWorkspace(db);
      const target = await insertWorkspace(db, { parent_id: parent });
      const sibling = await insertWorkspace(db, { parent_id: parent });
      await insertSchedule(db, target);
      const legacy = await health(target, { 'X-Workspace-ID': sibling });
      expect([legacy.status, legacy.body.length]).toEqual([200, 1]);

      const token = await insertToken(db, sibling);
      const missing = await health(target, { 'X-Workspace-ID': sibling });
      expect([missing.status, missing.body]).toEqual([401, { error: 'missing caller auth token' }]);
      const wrong = await health(target, {
        'X-Workspace-ID': sibling,
        Authorization: 'Bearer nope',
      });
      expect([wrong.status, wrong.body]).toEqual([401, { error: 'invalid caller auth token' }]);
      const ok = await health(target, {
        'X-Workspace-ID': sibling,
        Authorization: `Bearer ${token}`,
      });
      expect(ok.status).toBe(200);
    });

    it('refuses a workspace the hierarchy keeps apart: 403 access denied', async () => {
      const target = await insertWorkspace(db, { parent_id: await insertWorkspace(db) });
      const stranger = await insertWorkspace(db, { parent_id: await insertWorkspace(db) });
      const res = await health(target, { 'X-Workspace-ID': stranger });
      expect([res.status, res.body]).toEqual([403, { error: 'access denied' }]);
    });
  });

  describe('GET /admin/schedules/health', () => {
    it('needs admin auth', async () => {
      const res = await app.http.get('/admin/schedules/health');
      expect([res.status, res.body]).toEqual([401, { error: 'admin auth required' }]);
    });

    it('judges each schedule of every live workspace against twice its period', async () => {
      await db.query('DELETE FROM workspace_schedules');
      expect((await admin.get('/admin/schedules/health')).body).toEqual([]);

      const beta = await insertWorkspace(db, { name: 'beta' });
      const alpha = await insertWorkspace(db, { name: 'alpha' });
      const removed = await insertWorkspace(db, { name: 'aaa-removed', status: 'removed' });
      await insertSchedule(db, removed);
      const minutes = (n: number) => new Date(NOW.getTime() - n * 60_000);
      const hourly = await insertSchedule(db, beta, { name: 'hourly', cron_expr: '0 * * * *' });
      const stale = await insertSchedule(db, alpha, {
        name: 'b-five-minutes',
        cron_expr: '*/5 * * * *',
        last_run_at: minutes(15),
        enabled: false,
      });
      const fine = await insertSchedule(db, alpha, {
        name: 'a-half-hourly',
        cron_expr: '*/30 * * * *',
        last_run_at: minutes(20),
      });
      const broken = await insertSchedule(db, beta, {
        name: 'z-broken',
        cron_expr: 'nonsense',
        last_run_at: minutes(60 * 24 * 365),
      });

      const res = await admin.get('/admin/schedules/health');
      expect(res.status).toBe(200);
      expect(res.body.map((r: { schedule_id: string }) => r.schedule_id)).toEqual([
        fine,
        stale,
        hourly,
        broken,
      ]);
      expect(res.body[0]).toEqual({
        workspace_id: alpha,
        workspace_name: 'alpha',
        schedule_id: fine,
        schedule_name: 'a-half-hourly',
        cron_expr: '*/30 * * * *',
        last_run_at: minutes(20).toISOString(),
        expected_next_run: '2026-04-01T13:00:00.000Z',
        status: 'ok',
        stale_threshold_seconds: 3600,
      });
      expect(res.body[1]).toMatchObject({ status: 'stale', stale_threshold_seconds: 600 });
      expect(res.body[2]).toMatchObject({
        workspace_name: 'beta',
        status: 'never_run',
        last_run_at: null,
        stale_threshold_seconds: 7200,
      });
      expect(res.body[3]).toMatchObject({ status: 'ok', stale_threshold_seconds: 0 });
    });
  });
});
