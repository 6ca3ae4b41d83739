import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { HttpClient } from './http-client';
import { trackOpenApp } from './open-apps';

const ENTRY = path.join(__dirname, 'child-server', 'main.ts');
const REGISTER = path.join(__dirname, 'child-server', 'register-swc.js');
const BOOT_TIMEOUT_MS = 60_000;

/** A server running in a child process (so a test can SIGKILL it mid-work). */
export class ChildServer {
  private constructor(
    private readonly child: ChildProcess,
    readonly http: HttpClient,
    private readonly output: string[],
  ) {}

  /**
   * Boots the server on `databaseUrl`; `env` is its configuration plus the journalled engine's
   * `ENGINE_JOURNAL` and `ENGINE_HANG_FILE`.
   */
  static start(databaseUrl: string, env: Record<string, string>): Promise<ChildServer> {
    const child = spawn(process.execPath, ['-r', REGISTER, ENTRY], {
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
        ...env,
        DATABASE_URL: databaseUrl,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const output: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`child server did not start:\n${output.join('')}`));
      }, BOOT_TIMEOUT_MS);
      child.stderr!.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stdout!.on('data', (chunk: Buffer) => {
        const text = chunk.toString();
        output.push(text);
        const port = /LISTENING (\d+)/.exec(text)?.[1];
        if (port) {
          clearTimeout(timer);
          const server = new ChildServer(child, new HttpClient(`http://127.0.0.1:${port}`), output);
          // Dropping the test's database first kills a server still running on it.
          trackOpenApp(databaseUrl, () => server.kill());
          resolve(server);
        }
      });
      child.on('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`child server exited (${code ?? signal}):\n${output.join('')}`));
      });
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  /** Kills the process at once: no shutdown hook runs, claims are left as they were. */
  async kill(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGKILL');
    await exited;
  }

  /** What the server printed so far (for a failing test's message). */
  get log(): string {
    return this.output.join('');
  }
}
