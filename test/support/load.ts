import { TestResponse } from './http-client';

/** One request of a load stream: what was sent when, and what came back how fast. */
export interface LoadOutcome {
  readonly stream: string;
  readonly seq: number;
  /** Date.now() at send and at answer. */
  readonly sentAt: number;
  readonly answeredAt: number;
  /** 0: the request itself failed (no HTTP answer). */
  readonly status: number;
  readonly body: any;
  readonly text: string;
}

/**
 * Steady request streams against a running server (each stream sequential, with a pause between
 * requests), recording every outcome for the assertions that follow a fault.
 */
export class LoadDriver {
  private readonly recorded: LoadOutcome[] = [];
  private readonly running: Promise<void>[] = [];
  private stopped = false;

  /** Starts `stream`: `send(seq)` for seq = 1, 2, … until `stop()`, `gapMs` apart. */
  run(stream: string, send: (seq: number) => Promise<TestResponse>, gapMs = 20): void {
    this.running.push(
      (async () => {
        for (let seq = 1; !this.stopped; seq++) {
          const sentAt = Date.now();
          let res: Pick<TestResponse, 'status' | 'body' | 'text'>;
          try {
            res = await send(seq);
          } catch (err) {
            res = { status: 0, body: undefined, text: String(err) };
          }
          this.recorded.push({ stream, seq, sentAt, answeredAt: Date.now(), ...res });
          await new Promise((r) => setTimeout(r, gapMs));
        }
      })(),
    );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.running);
  }

  outcomes(stream?: string): LoadOutcome[] {
    return this.recorded.filter((o) => stream === undefined || o.stream === stream);
  }

  /** The first outcome of `stream` sent at or after `since` that `ok` accepts. */
  firstAfter(
    stream: string,
    since: number,
    ok: (o: LoadOutcome) => boolean,
  ): LoadOutcome | undefined {
    return this.outcomes(stream).find((o) => o.sentAt >= since && ok(o));
  }
}
