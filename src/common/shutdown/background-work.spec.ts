import { loadConfig } from '../../config/load-config';
import { quietLogs } from '../../../test/support/unit';
import { BackgroundWork } from './background-work';
import { ShutdownSignal } from './shutdown-signal';

/** A promise the test settles when it wants. */
function gate<T = void>() {
  let open!: (value: T) => void;
  const opened = new Promise<T>((resolve) => (open = resolve));
  return { open, opened };
}

describe('BackgroundWork', () => {
  quietLogs();
  const setup = (grace = '30') => {
    const config = loadConfig({ SHUTDOWN_GRACE_SECONDS: grace }).config;
    const shutdown = new ShutdownSignal(config);
    const work = new BackgroundWork(config, shutdown);
    return { shutdown, work };
  };

  it('returns the tracked promise as is and forgets it once settled, failed ones too', async () => {
    const { work } = setup();
    const ok = gate<number>();
    const tracked = work.track(ok.opened);
    const failing = work.track(Promise.reject(new Error('x')));
    await expect(failing).rejects.toThrow('x');
    expect(work.inFlight).toBe(1);
    ok.open(7);
    expect(await tracked).toBe(7);
    expect(work.inFlight).toBe(0);
  });

  it('shutdown waits for work in flight, and for work that work starts meanwhile', async () => {
    const { work } = setup();
    const first = gate();
    const second = gate();
    let done = false;
    void work.track(first.opened.then(() => void work.track(second.opened)));
    const waiting = work.beforeApplicationShutdown().then(() => (done = true));
    first.open();
    await new Promise((r) => setImmediate(r));
    expect(done).toBe(false);
    second.open();
    await waiting;
    expect(work.inFlight).toBe(0);
  });

  describe('bounds', () => {
    beforeEach(() => jest.useFakeTimers({ now: 0 }));
    afterEach(() => jest.useRealTimers());

    it('stops waiting at the shutdown deadline', async () => {
      const { work, shutdown } = setup();
      void work.track(new Promise(() => undefined));
      shutdown.begin(5_000);
      let done = false;
      const waiting = work.beforeApplicationShutdown().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(4_999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await waiting;
      expect(work.inFlight).toBe(1);
    });

    it('without a shutdown in progress (an app closed directly) waits at most the grace', async () => {
      const { work } = setup('2');
      void work.track(new Promise(() => undefined));
      let done = false;
      const waiting = work.beforeApplicationShutdown().then(() => (done = true));
      await jest.advanceTimersByTimeAsync(1_999);
      expect(done).toBe(false);
      await jest.advanceTimersByTimeAsync(1);
      await waiting;
    });
  });
});

describe('ShutdownSignal.waitFor', () => {
  beforeEach(() => jest.useFakeTimers({ now: 0 }));
  afterEach(() => jest.useRealTimers());

  const signal = () => new ShutdownSignal(loadConfig({ SHUTDOWN_GRACE_SECONDS: '1' }).config);

  it('waits until the shutdown deadline once it began, SHUTDOWN_GRACE_SECONDS before', async () => {
    const never = new Promise(() => undefined);
    const shutdown = signal();
    const before = shutdown.waitFor(never);
    await jest.advanceTimersByTimeAsync(1_000);
    expect(await before).toBe(false);

    shutdown.begin(Date.now() + 5_000);
    let answer: boolean | undefined;
    void shutdown.waitFor(never).then((a) => (answer = a));
    await jest.advanceTimersByTimeAsync(4_999);
    expect(answer).toBeUndefined();
    await jest.advanceTimersByTimeAsync(1);
    expect(answer).toBe(false);
  });

  it('says the work finished, failed work included', async () => {
    const shutdown = signal();
    expect(await shutdown.waitFor(Promise.resolve())).toBe(true);
    expect(await shutdown.waitFor(Promise.reject(new Error('x')))).toBe(true);
  });
});

describe('ShutdownSignal', () => {
  it('aborts once, keeping the first deadline', () => {
    const shutdown = new ShutdownSignal(loadConfig({}).config);
    let aborts = 0;
    shutdown.signal.addEventListener('abort', () => aborts++);
    expect(shutdown.draining).toBe(false);
    expect(shutdown.deadlineAt).toBeUndefined();
    shutdown.begin(1_000);
    shutdown.begin(2_000);
    expect(shutdown.draining).toBe(true);
    expect(shutdown.deadlineAt).toBe(1_000);
    expect(aborts).toBe(1);
  });
});
