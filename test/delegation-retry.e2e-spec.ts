import { Clock, TimerHandle } from '../src/common/clock/clock';
import { useTestAgents } from './support/agents';
import { insertWorkspace } from './support/factories';
import { FakeClock } from './support/fake-clock';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';
import { TestWsClient } from './support/ws-client';
import { eventually } from './support/eventually';

const ADMIN = 'delegation-admin';
const RETRY_DELAY_MS = 8000;

/** A fake clock that also tells which delays were armed, so a test knows the worker is waiting. */
class WatchedClock extends FakeClock {
  delays: number[] = [];

  override setTimeout(callback: () => void, ms: number): TimerHandle {
    this.delays.push(ms);
    return super.setTimeout(callback, ms);
  }
}

describe('delegation retry of a transient failure (fake clock, no sleeping)', () => {
  const db = useTestDatabase();
  const clock = new WatchedClock();
  const app = useTestApp(
    db,
    { MOLECULE_ENV: 'development', ADMIN_TOKEN: ADMIN, A2A_IDLE_TIMEOUT_SECONDS: '60' },
    [{ provide: Clock, useValue: clock }],
  );
  const agents = useTestAgents();
  let ws: TestWsClient;
  beforeEach(async () => {
    clock.delays = [];
    ws = await TestWsClient.connect(app.baseUrl);
  });
  afterEach(() => ws.close());

  const siblings = async (url: string) => {
    const parent = await insertWorkspace(db);
    const source = await insertWorkspace(db, { parent_id: parent });
    const target = await insertWorkspace(db, { parent_id: parent, url });
    return { source, target };
  };
  const deadUrl = async () => {
    const agent = await agents.start();
    await agent.close();
    return agent.url;
  };
  const delegate = (source: string, target: string) =>
    app.http.withBearer(ADMIN).post(`/workspaces/${source}/delegate`, {
      target_id: target,
      task: 'are you back?',
    });
  const retryArmed = () =>
    eventually(
      async () => (clock.delays.includes(RETRY_DELAY_MS) ? true : undefined),
      'the retry pause',
    );
  const receivedRows = (target: string) =>
    db.query<any>(
      `SELECT status, summary FROM activity_logs WHERE workspace_id = $1 ORDER BY created_at`,
      [target],
    );
  const eventsOf = (source: string) =>
    ws.frames.filter((f) => f.workspace_id === source && f.event.startsWith('DELEGATION_'));

  it('an unreachable agent gets one more try 8 s later, and the delegation completes', async () => {
    const { source, target } = await siblings(await deadUrl());
    const res = await delegate(source, target);
    await retryArmed();

    const agent = await agents.start({ text: 'back online' });
    await db.query('UPDATE workspaces SET url = $2 WHERE id = $1', [target, agent.url]);
    clock.advance(RETRY_DELAY_MS - 1);
    expect(agent.requests).toEqual([]);
    clock.advance(1);

    const complete = await ws.nextEvent('DELEGATION_COMPLETE', source);
    expect(complete.payload).toEqual({
      delegation_id: res.body.delegation_id,
      target_id: target,
      response_preview: 'back online',
    });
    expect(eventsOf(source).map((f) => f.event)).toEqual([
      'DELEGATION_SENT',
      'DELEGATION_STATUS',
      'DELEGATION_COMPLETE',
    ]);
    expect(agent.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
    const rows = await eventually(async () => {
      const all = await receivedRows(target);
      return all.length === 2 ? all : undefined;
    }, 'both delivery rows');
    expect(rows[0].status).toBe('error');
    expect(rows[0].summary).toMatch(/^A2A request to .+ failed: /);
    expect(rows[1].status).toBe('ok');
  });

  it('fails after the one retry when the agent stays unreachable', async () => {
    const { source, target } = await siblings(await deadUrl());
    const res = await delegate(source, target);
    await retryArmed();
    clock.advance(RETRY_DELAY_MS);

    const failed = await ws.nextEvent('DELEGATION_FAILED', source);
    expect(failed.payload).toEqual({
      delegation_id: res.body.delegation_id,
      target_id: target,
      error: 'failed to reach workspace agent',
    });
    expect(clock.delays.filter((ms) => ms === RETRY_DELAY_MS)).toHaveLength(1);
    const [delegateRow] = await db.query<any>(
      `SELECT status, error_detail FROM activity_logs
        WHERE workspace_id = $1 AND method = 'delegate'`,
      [source],
    );
    expect(delegateRow).toEqual({
      status: 'failed',
      error_detail: 'failed to reach workspace agent',
    });
  });

  it('does not resend a task the agent confirmed receiving (502 delivery_confirmed)', async () => {
    const agent = await agents.start({ mode: 'headersThenDie', status: 200, partialBody: '{"jso' });
    const { source, target } = await siblings(agent.url);
    await delegate(source, target);

    const failed = await ws.nextEvent('DELEGATION_FAILED', source);
    expect(failed.payload.error).toBe('failed to read agent response');
    expect(clock.delays).not.toContain(RETRY_DELAY_MS);
    expect(agent.requests.filter((r) => r.method === 'POST')).toHaveLength(1);
  });
});
