import * as fs from 'node:fs';
import { WorkspaceStartSpec } from '../../../src/provisioner/provisioner.port';
import { FakeDocker } from '../fake-compute';

/**
 * One engine call (or another hang point's visit), as the test reads it back from the journal.
 */
export interface JournalEntry {
  readonly pid: number;
  readonly call: string;
  /** The engine's workspace; for the scheduler's and the queue's hang points, their row id. */
  readonly workspaceId: string;
  /** `start`: the files the container got in `/configs` (its token among them). */
  readonly configFiles?: Readonly<Record<string, string>>;
}

/** Appends one entry to the journal file (one JSON line), tagged with this process. */
export function appendJournal(journal: string, entry: Omit<JournalEntry, 'pid'>): void {
  fs.appendFileSync(journal, `${JSON.stringify({ pid: process.pid, ...entry })}\n`);
}

/**
 * The in-memory engine of a server running in a child process, observable from the test: every
 * call is appended to a journal file (one JSON line each) before it runs. While `hangFile`
 * exists, a start never answers — the moment to kill the server with SIGKILL. The engine's
 * state dies with the process, as a container engine's view of a dead platform would not; the
 * test checks what each server did through the journal and the database.
 */
export class JournalDocker extends FakeDocker {
  constructor(
    private readonly journal: string,
    private readonly hangFile: string,
  ) {
    super();
    for (const method of ['stop', 'removeVolume'] as const) {
      this.intercept(method, (workspaceId) => this.write({ call: method, workspaceId }));
    }
  }

  /** A real engine keeps volumes across platform restarts: the config is always there. */
  override async configVolumeHasFile(workspaceId: string): Promise<boolean> {
    this.write({ call: 'configVolumeHasFile', workspaceId });
    return true;
  }

  override async start(spec: WorkspaceStartSpec): Promise<string> {
    this.write({ call: 'start', workspaceId: spec.workspaceId, configFiles: spec.configFiles });
    if (fs.existsSync(this.hangFile)) await new Promise<never>(() => undefined);
    return super.start(spec);
  }

  private write(entry: Omit<JournalEntry, 'pid'>): void {
    appendJournal(this.journal, entry);
  }
}

export function readJournal(journal: string): JournalEntry[] {
  if (!fs.existsSync(journal)) return [];
  return fs
    .readFileSync(journal, 'utf8')
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as JournalEntry);
}
