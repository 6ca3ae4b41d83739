import { createDataSource } from '../src/database/data-source';
import { useTestDatabase } from './support/test-database';

/**
 * The entities document the schema the migrations build. TypeORM's schema builder lists what
 * `synchronize` would change; the entities do not restate foreign keys, indexes or CHECK
 * constraints (the migrations own those), but every table, column, type, default and enum
 * must match exactly.
 */
describe('schema', () => {
  const db = useTestDatabase();

  it('the entities match every table and column the migrations create', async () => {
    // TypeORM keys generated-column metadata by database name; this clone has a new one.
    await db.query(`UPDATE typeorm_metadata SET "database" = current_database()`);
    const dataSource = createDataSource(db.url, 2);
    await dataSource.initialize();
    try {
      const { upQueries } = await dataSource.driver.createSchemaBuilder().log();
      const drift = upQueries
        .map((q) => q.query)
        .filter((sql) => !/^(ALTER TABLE "\w+" DROP CONSTRAINT|DROP INDEX)/.test(sql));
      expect(drift).toEqual([]);
    } finally {
      await dataSource.destroy();
    }
  });
});
