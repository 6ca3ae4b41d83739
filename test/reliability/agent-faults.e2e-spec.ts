import { Clock } from '../../src/common/clock/clock';
import { startTestAgent, TestAgent } from '../support/agents';
import { eventually } from '../support/eventually';
import { insertWorkspace } from '../support/factories';
import { FakeClock } from '../support/fake-clock';
import { activeTimers, bytesReadFrom, socketsOnPort } from '../support/handles';
import { LeakScanner } from '../support/leak-scanner';
import { RawAgent, RawBehaviour } from '../support/raw-agent';
import { useTestApp } from '../support/test-app';
import { useTestDatabase } from '../support/test-database';
import { TestWsClient } from '../support/ws-client';

const IDLE_SECONDS = 300;
const QUEUED = {
  queued: true,
  queue_id: expect.any(String),
  queue_depth: expect.any(Number),
  message: 'workspace agent busy — request queued, will dispatch when capacity available',
};
const UNREACHABLE = { error: 'failed to reach workspace agent' };
const BROKE_OFF = { error: 'failed to read agent response', delivery_confirmed: true };

/** What the canvas sends. */
const message = (text: string, method = 'message/send') => ({
  method,
  params: { message: { role: 'user', messageId: text, parts: [{ kind: 'text', text }] } },
});

/** An agent under test: where it listens, and how to tell it got the request. */
interface Misbehaving {
  readonly url: string;
  readonly port: number;
  readonly requested: Promise<unknown>;
  /** Resolves once it started answering (trickles: the first byte is out). */
  readonly answering: Promise<unknown>;
  close(): Promise<void>;
}

function raw(agent: RawAgent): Misbehaving {
  return agent;
}

/** The proxy has read the agent's whole head and some of its body: it is reading the reply. */
async function readingTheBody(agent: RawAgent): Promise<void> {
  await eventually(
    async () => (bytesReadFrom(agent.port) > agent.headBytes ? true : undefined),
    'the proxy to read past the head',
  );
}

function sdk(agent: TestAgent): Misbehaving {
  const requested = agent.waitForRequests(1);
  return {
    url: agent.url,
    port: agent.port,
    requested,
    answering: requested,
    close: () => agent.close(),
  };
}

interface FaultCase {
  readonly fault: string;
  readonly agent: (marker: string) => Promise<Misbehaving>;
  readonly method?: string;
  readonly headers?: Record<string, string>;
  /** What the test does while the request is out (moves the injected clock). */
  readonly drive?: (clock: FakeClock, agent: Misbehaving) => Promise<void>;
  readonly status: number;
  readonly body?: unknown;
  /** The relayed stream ends early, as the agent's did. */
  readonly breaks?: boolean;
  /** How the attempt is on record: an `a2a_receive` row with this status, or a queued message. */
  readonly record: { activity: 'ok' | 'error'; summary?: RegExp } | 'queued';
}

const startRaw = (behaviour: RawBehaviour) => async (marker: string) =>
  raw(await RawAgent.start(behaviour, { marker }));

/** The idle window passes with no sign of life once the agent got the message. */
const idleWindowPasses = async (clock: FakeClock, agent: Misbehaving) => {
  await agent.answering;
  clock.advance((IDLE_SECONDS + 1) * 1000);
};

const CASES: FaultCase[] = [
  {
    fault: 'closes its SSE stream mid-way',
    agent: async () => sdk(await startTestAgent({ mode: 'dieMidStream', eventsBeforeDeath: 2 })),
    method: 'message/stream',
    status: 200,
    breaks: true,
    record: { activity: 'error', summary: /failed: stream broke off/ },
  },
  {
    fault: 'closes its JSON reply mid-way',
    agent: async (marker) =>
      sdk(
        await startTestAgent({
          mode: 'headersThenDie',
          status: 200,
          partialBody: `{"jsonrpc":"2.0","result":"${marker}`,
        }),
      ),
    status: 502,
    body: BROKE_OFF,
    record: { activity: 'ok' },
  },
  {
    fault: 'hangs up without a byte',
    agent: startRaw('closeAtOnce'),
    status: 202,
    body: QUEUED,
    record: 'queued',
  },
  {
    fault: 'never answers',
    agent: async () => sdk(await startTestAgent({ mode: 'neverAnswer' })),
    drive: idleWindowPasses,
    status: 202,
    body: QUEUED,
    record: 'queued',
  },
  {
    fault: 'answers bytes that are not HTTP',
    agent: startRaw('garbage'),
    status: 502,
    body: UNREACHABLE,
    record: { activity: 'error' },
  },
  {
    fault: 'answers 10 MB of headers',
    agent: startRaw('hugeHeaders'),
    status: 502,
    body: UNREACHABLE,
    record: { activity: 'error' },
  },
  {
    fault: 'trickles its response head one byte a second',
    agent: startRaw('trickleHeaders'),
    drive: idleWindowPasses,
    status: 202,
    body: QUEUED,
    record: 'queued',
  },
  {
    fault: 'trickles its body one byte a second (X-Timeout: 5)',
    agent: startRaw('trickleBody'),
    headers: { 'X-Timeout': '5' },
    drive: async (clock, agent) => {
      await readingTheBody(agent as RawAgent);
      clock.advance(6_000);
    },
    status: 502,
    body: BROKE_OFF,
    record: { activity: 'ok' },
  },
];

/**
 * Agents that misbehave at the transport level (spec 03 §2.9–2.12): the proxy answers each with
 * the contract's status, keeps a record of the attempt, and leaves nothing behind — no socket to
 * the agent, no timer (real or on the injected clock) — and no internal text in what clients see.
 */
describe('agent faults', () => {
  const db = useTestDatabase();
  const clock = new FakeClock();
  const app = useTestApp(db, { MOLECULE_ENV: 'development', ADMIN_TOKEN: 'agent-faults-admin' }, [
    { provide: Clock, useValue: clock },
  ]);
  const scanner = new LeakScanner();
  let ws: TestWsClient;

  beforeAll(async () => {
    ws = scanner.watch(await TestWsClient.connect(app.baseUrl));
    // Warm the proxy's paths (transport pool, statements) so the baseline is steady.
    const agent = await startTestAgent();
    const id = await insertWorkspace(db, { url: agent.url });
    expect((await app.http.post(`/workspaces/${id}/a2a`, message('warm-up'))).status).toBe(200);
    await agent.close();
  });
  afterAll(async () => {
    await ws.close();
    scanner.expectNone();
  });

  it.each(CASES)(
    'an agent that $fault: $status, on record, nothing left open',
    async ({ agent: start, method, headers, drive, status, body, breaks, record }) => {
      const marker = scanner.marker('daemon');
      const agent = await start(marker);
      try {
        const id = await insertWorkspace(db, { name: 'Faulty', url: agent.url });
        const timersBefore = activeTimers();
        const fakeTimersBefore = clock.pendingTimers;

        const sent = post(`/workspaces/${id}/a2a`, message('are you there?', method), headers);
        await agent.requested;
        await drive?.(clock, agent);
        const res = await sent;

        expect(res.status).toBe(status);
        if (body !== undefined) expect(res.body).toEqual(body);
        expect(res.broken).toBe(breaks === true);
        await expectOnRecord(id, record);

        // Nothing left open: no socket at either end, no timer armed by the dispatch.
        await eventually(
          async () => (socketsOnPort(agent.port) === 0 ? true : undefined),
          `every connection to the agent on ${agent.port} to close`,
        );
        expect(clock.pendingTimers).toBeLessThanOrEqual(fakeTimersBefore);
        await eventually(
          async () => (activeTimers() <= timersBefore ? true : undefined),
          `real timers back to ${timersBefore} (now ${activeTimers()})`,
        );
      } finally {
        await agent.close();
      }
    },
    30_000,
  );

  /**
   * The canvas's request, read as far as it goes: a relayed stream may break off after its
   * status (`broken`).
   */
  async function post(path: string, payload: unknown, headers: Record<string, string> = {}) {
    const res = await fetch(app.baseUrl + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    let text = '';
    let broken = false;
    try {
      text = await res.text();
    } catch {
      broken = true;
    }
    scanner.record(`POST ${path} → ${res.status}`, [...res.headers.entries(), text]);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
    return { status: res.status, body: parsed, text, broken };
  }

  async function expectOnRecord(id: string, record: FaultCase['record']): Promise<void> {
    if (record === 'queued') {
      const [queued] = await db.query<{ status: string }>(
        `SELECT status FROM a2a_queue WHERE workspace_id = $1`,
        [id],
      );
      expect(queued).toEqual({ status: 'queued' });
      return;
    }
    const row = await eventually(async () => {
      const [r] = await db.query<{ status: string; summary: string; activity_type: string }>(
        `SELECT status, summary, activity_type FROM activity_logs WHERE workspace_id = $1`,
        [id],
      );
      return r;
    }, 'the attempt on the activity log');
    expect(row).toMatchObject({ activity_type: 'a2a_receive', status: record.activity });
    if (record.summary) expect(row.summary).toMatch(record.summary);
  }
});
