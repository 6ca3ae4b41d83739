import { Client } from 'pg';

/** Environment handed from the global setup to every test worker. */
export const ENV_ADMIN_URL = 'MOLECULE_TEST_PG_ADMIN_URL';
export const ENV_TEMPLATE = 'MOLECULE_TEST_PG_TEMPLATE';

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
