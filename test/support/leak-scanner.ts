import { randomBytes } from 'node:crypto';
import { INTERNAL_TEXT, InternalTextKind } from './leak-markers';
import { HttpClient } from './http-client';
import { TestWsClient } from './ws-client';

/** What a leaked text would give away. */
export type LeakKind = InternalTextKind | 'token' | 'key';

/** One leak: where it was seen, what it was, and the text around it. */
export interface Leak {
  readonly source: string;
  readonly kind: LeakKind;
  readonly match: string;
  readonly excerpt: string;
}

/**
 * Scans what clients saw — HTTP responses (status line, headers, body) and WebSocket broadcasts —
 * for internal text: markers a test planted in its faults (a daemon message, an SQL error, a file
 * path, a token, a secret's key name) and the shapes of `INTERNAL_TEXT`. Wrap the test's HTTP
 * clients with `http()`, hand it the WebSocket subscribers with `watch()`, add anything else
 * with `record()`, and end with `expectNone()`.
 */
export class LeakScanner {
  private readonly markers = new Map<string, LeakKind>();
  private readonly texts: { source: string; text: string }[] = [];
  private readonly sockets: { name: string; ws: TestWsClient }[] = [];

  /** A fresh, unique marker of `kind` to plant in a fault (`leak-sql-3f9a0c1b`). */
  marker(kind: LeakKind): string {
    return this.plant(kind, `leak-${kind}-${randomBytes(4).toString('hex')}`);
  }

  /** Registers `value` (a token, a key name, a path…) as something no client may see. */
  plant(kind: LeakKind, value: string): string {
    if (value.length < 6) throw new Error(`marker too short to scan for: ${JSON.stringify(value)}`);
    this.markers.set(value, kind);
    return value;
  }

  /** `client`, with every response it (and the clients derived from it) gets recorded. */
  http(client: HttpClient): HttpClient {
    return client.observedBy((method, requestPath, res) => {
      const headers = [...res.headers.entries()].map(([k, v]) => `${k}: ${v}`).join('\n');
      this.record(`${method} ${requestPath} → ${res.status}`, `${headers}\n\n${res.text}`);
    });
  }

  /** Scans every frame `ws` received (read when checked, so frames still to come count too). */
  watch(ws: TestWsClient, name = 'ws'): TestWsClient {
    this.sockets.push({ name, ws });
    return ws;
  }

  record(source: string, value: unknown): void {
    this.texts.push({ source, text: typeof value === 'string' ? value : JSON.stringify(value) });
  }

  /** How many texts were scanned so far (responses, frames, records). */
  get scanned(): number {
    return this.collect().length;
  }

  leaks(): Leak[] {
    const found: Leak[] = [];
    for (const { source, text } of this.collect()) {
      for (const [marker, kind] of this.markers) {
        const at = text.indexOf(marker);
        if (at >= 0) found.push({ source, kind, match: marker, excerpt: around(text, at) });
      }
      for (const { kind, pattern } of INTERNAL_TEXT) {
        const m = pattern.exec(text);
        if (m) found.push({ source, kind, match: m[0], excerpt: around(text, m.index) });
      }
    }
    return found;
  }

  /** Fails the test with every leak found (where, what, and the text around it). */
  expectNone(): void {
    const leaks = this.leaks();
    if (leaks.length === 0) return;
    const lines = leaks
      .slice(0, 20)
      .map((l) => `- [${l.kind}] ${JSON.stringify(l.match)} in ${l.source}: …${l.excerpt}…`);
    throw new Error(
      `${leaks.length} leak(s) in ${this.scanned} scanned texts:\n${lines.join('\n')}`,
    );
  }

  private collect(): { source: string; text: string }[] {
    return [
      ...this.texts,
      ...this.sockets.flatMap(({ name, ws }) =>
        ws.frames.map((frame) => ({
          source: `${name} ${frame.event}`,
          text: JSON.stringify(frame),
        })),
      ),
    ];
  }
}

function around(text: string, at: number): string {
  return text.slice(Math.max(0, at - 60), at + 100).replace(/\s+/g, ' ');
}
