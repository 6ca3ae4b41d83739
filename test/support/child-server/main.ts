import 'reflect-metadata';
import { A2AQueueRepository } from '../../../src/a2a/queue/a2a-queue.repository';
import { Database } from '../../../src/database/database.service';
import { ComputeBackends } from '../../../src/provisioner/compute-backends';
import { DueSchedulesRepository } from '../../../src/scheduler/firing/due-schedules.repository';
import { ProviderOverride, startTestApp } from '../test-app';
import { HangingDueSchedules, HangingQueue } from './hang-points';
import { JournalDocker } from './journal-docker';

/**
 * A whole server in its own process, on the test's database, with a journalled fake engine
 * (`ENGINE_JOURNAL`, `ENGINE_HANG_FILE`) and optional hang points for the cron loop
 * (`SCHEDULER_CLAIM_HANG_FILE`, `SCHEDULER_SEND_HANG_FILE`) and the queue drain
 * (`QUEUE_SEND_HANG_FILE`) — see `hang-points.ts`. Prints `LISTENING <port>` once it serves.
 * Every other variable of its environment is the server's configuration.
 */
async function main(): Promise<void> {
  const journal = process.env.ENGINE_JOURNAL!;
  const docker = new JournalDocker(journal, process.env.ENGINE_HANG_FILE!);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const overrides: ProviderOverride[] = [
    { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
  ];
  const { SCHEDULER_CLAIM_HANG_FILE, SCHEDULER_SEND_HANG_FILE, QUEUE_SEND_HANG_FILE } = env;
  if (SCHEDULER_CLAIM_HANG_FILE || SCHEDULER_SEND_HANG_FILE) {
    overrides.push({
      provide: DueSchedulesRepository,
      useFactory: (db: Database) =>
        new HangingDueSchedules(db, journal, {
          claim: SCHEDULER_CLAIM_HANG_FILE,
          send: SCHEDULER_SEND_HANG_FILE,
        }),
      inject: [Database],
    });
  }
  if (QUEUE_SEND_HANG_FILE) {
    overrides.push({
      provide: A2AQueueRepository,
      useFactory: (db: Database) => new HangingQueue(db, journal, QUEUE_SEND_HANG_FILE),
      inject: [Database],
    });
  }
  const app = await startTestApp(process.env.DATABASE_URL!, env, overrides);
  process.stdout.write(`LISTENING ${new URL(app.baseUrl).port}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`child server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
