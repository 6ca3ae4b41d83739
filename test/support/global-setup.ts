import { ENV_ADMIN_URL, ENV_TEMPLATE } from './pg-admin';
import { startTestPostgres, TestPostgres } from './test-postgres';

declare global {
  var __MOLECULE_TEST_PG__: TestPostgres | undefined;
}

export default async function globalSetup(): Promise<void> {
  const pg = await startTestPostgres();
  globalThis.__MOLECULE_TEST_PG__ = pg;
  // Workers are forked after this runs and inherit the environment.
  process.env[ENV_ADMIN_URL] = pg.adminUrl;
  process.env[ENV_TEMPLATE] = pg.templateName;
}
