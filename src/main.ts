import 'reflect-metadata';
import * as fs from 'node:fs';
import { parseEnv } from 'node:util';
import { startServer } from './server';

/** A `.env` in the working directory is a dev convenience; variables already set win. */
function loadDotEnv(): void {
  if (!fs.existsSync('.env')) return;
  const fromFile = parseEnv(fs.readFileSync('.env', 'utf8'));
  for (const [key, value] of Object.entries(fromFile)) {
    if (process.env[key] === undefined) process.env[key] = value;
  }
}

async function main(): Promise<void> {
  loadDotEnv();
  const server = await startServer(process.env);
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) {
      process.stderr.write(`received ${signal}, already shutting down\n`);
      return;
    }
    stopping = true;
    process.stderr.write(`received ${signal}, shutting down\n`);
    server
      .stop()
      .then(() => process.exit(0))
      .catch((err) => {
        process.stderr.write(`shutdown failed: ${String(err)}\n`);
        process.exit(1);
      });
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(
    `failed to start: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  process.exit(1);
});
