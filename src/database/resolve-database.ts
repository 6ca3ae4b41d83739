import * as path from 'node:path';
import { AppConfig } from '../config/app-config';
import { EmbeddedPostgresServer } from './embedded-postgres';

export interface ResolvedDatabase {
  /** The config with `databaseUrl` set. */
  readonly config: AppConfig;
  /** Started here (DATABASE_URL unset): the caller stops it when done. */
  readonly embedded?: EmbeddedPostgresServer;
}

/**
 * DATABASE_URL when set; otherwise the embedded PostgreSQL under `<MOLECULE_DATA_DIR>/postgres`,
 * started now (initialised on first use, reused afterwards).
 */
export async function resolveDatabase(
  config: AppConfig,
  onLog: (line: string) => void = () => undefined,
): Promise<ResolvedDatabase> {
  if (config.databaseUrl) return { config };
  const embedded = new EmbeddedPostgresServer({
    dataDir: embeddedDataDir(config),
    port: config.embeddedPostgresPort,
    onLog,
  });
  const databaseUrl = await embedded.start();
  return { config: new AppConfig({ ...config, databaseUrl }), embedded };
}

export function embeddedDataDir(config: AppConfig): string {
  return path.join(config.dataDir, 'postgres');
}
