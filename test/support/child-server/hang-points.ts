import * as fs from 'node:fs';
import { A2AQueueRepository } from '../../../src/a2a/queue/a2a-queue.repository';
import type { QueryResultRow } from 'pg';
import { Database, Statement } from '../../../src/database/database.service';
import { DueSchedulesRepository } from '../../../src/scheduler/firing/due-schedules.repository';
import { appendJournal } from './journal-docker';

/**
 * Places where a server in a child process stops for ever, so a test can SIGKILL it exactly
 * there. Each is armed by a file: while it exists and is empty, every visit hangs; when it
 * lists ids (one per line), only visits for those ids hang. Each visit is journalled first.
 */
function hangsFor(file: string, id: string): boolean {
  if (!fs.existsSync(file)) return false;
  const ids = fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '');
  return ids.length === 0 || ids.includes(id);
}

const forever = () => new Promise<never>(() => undefined);

/**
 * The cron loop's repository, stopping either inside the claiming transaction, right after its
 * due rows are locked (`claim` file: nothing committed), or after a claim, just before a fire's
 * message would be marked sent (`send` file: the fire is this server's, nothing left).
 */
export class HangingDueSchedules extends DueSchedulesRepository {
  constructor(
    db: Database,
    private readonly journal: string,
    private readonly files: { claim?: string; send?: string },
  ) {
    super(files.claim ? hangingAfter(db, 'scheduler.claim_due', journal, files.claim) : db);
  }

  override async markSent(
    scheduleId: string,
    owner: string,
    messageId: string,
    at: Date,
  ): Promise<boolean> {
    const { send } = this.files;
    if (send && hangsFor(send, scheduleId)) {
      appendJournal(this.journal, { call: 'schedule.claimed', workspaceId: scheduleId });
      return forever();
    }
    return super.markSent(scheduleId, owner, messageId, at);
  }
}

/** `db`, whose transactions stop for ever once `statement` returned rows there. */
function hangingAfter(db: Database, statement: string, journal: string, file: string): Database {
  const facade = Object.create(db) as Database;
  facade.transaction = (work) =>
    db.transaction((tx) =>
      work({
        query: async <R extends QueryResultRow>(
          stmt: Statement | string,
          values?: readonly unknown[],
        ) => {
          const rows = await tx.query<R>(stmt, values);
          const name = typeof stmt === 'string' ? undefined : stmt.name;
          if (name === statement && rows.length > 0 && hangsFor(file, '')) {
            for (const row of rows)
              appendJournal(journal, { call: `${statement} locked`, workspaceId: String(row.id) });
            return forever();
          }
          return rows;
        },
        one: (stmt, values) => tx.one(stmt, values),
        execute: (stmt, values) => tx.execute(stmt, values),
      }),
    );
  return facade;
}

/** The queue's repository, stopping after a claim, just before the message would be marked sent. */
export class HangingQueue extends A2AQueueRepository {
  constructor(
    db: Database,
    private readonly journal: string,
    private readonly file: string,
  ) {
    super(db);
  }

  override async markSent(id: string, owner: string): Promise<boolean> {
    if (hangsFor(this.file, id)) {
      appendJournal(this.journal, { call: 'delivery.claimed', workspaceId: id });
      return forever();
    }
    return super.markSent(id, owner);
  }
}
