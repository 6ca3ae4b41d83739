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
    const shutdown = new ShutdownSignal();
    const work = new BackgroundWork(loadConfig({ SHUTDOWN_GRACE_SECONDS: grace }).config, shutdown);
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

describe('ShutdownSignal', () => {
  it('aborts once, keeping the first deadline', () => {
    const shutdown = new ShutdownSignal();
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
