import * as readline from 'node:readline';
import { EmbeddedPostgresServer } from '../../../src/database/embedded-postgres';
import { freeLoopbackPort } from '../../../src/provisioner/docker/loopback-ports';

/**
 * A PostgreSQL of one test file's own, driven over stdin (`stop`, `start`, `exit`): prints
 * `URL <url>` once up, then `STOPPED` / `STARTED` / `EXITED` as told. Stops its server when its
 * parent goes away (stdin closes), so a crashed test leaves nothing running.
 */
async function main(): Promise<void> {
  const server = new EmbeddedPostgresServer({
    dataDir: process.env.PG_DATA_DIR!,
    port: await freeLoopbackPort(),
  });
  process.stdout.write(`URL ${await server.start()}\n`);
  let exiting = false;
  const exit = async () => {
    if (exiting) return;
    exiting = true;
    await server.stop();
    process.stdout.write('EXITED\n');
    process.exit(0);
  };
  const commands = readline.createInterface({ input: process.stdin });
  commands.on('line', (line) => {
    const command = line.trim();
    const run =
      command === 'stop'
        ? server.stop().then(() => 'STOPPED')
        : command === 'start'
          ? server.start().then(() => 'STARTED')
          : exit().then(() => 'EXITED');
    run.then(
      (answer) => process.stdout.write(`${answer}\n`),
      (err: unknown) => process.stdout.write(`FAILED ${String(err)}\n`),
    );
  });
  commands.on('close', () => void exit());
}

main().catch((err: unknown) => {
  process.stderr.write(
    `postgres child failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
