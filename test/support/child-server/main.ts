import 'reflect-metadata';
import { ComputeBackends } from '../../../src/provisioner/compute-backends';
import { startTestApp } from '../test-app';
import { JournalDocker } from './journal-docker';

/**
 * A whole server in its own process, on the test's database, with a journalled fake engine
 * (`ENGINE_JOURNAL`, `ENGINE_HANG_FILE`). Prints `LISTENING <port>` once it serves. Every other
 * variable of its environment is the server's configuration.
 */
async function main(): Promise<void> {
  const docker = new JournalDocker(process.env.ENGINE_JOURNAL!, process.env.ENGINE_HANG_FILE!);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    ),
  );
  const app = await startTestApp(process.env.DATABASE_URL!, env, [
    { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
  ]);
  process.stdout.write(`LISTENING ${new URL(app.baseUrl).port}\n`);
  const stop = () => void app.close().then(() => process.exit(0));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`child server failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
