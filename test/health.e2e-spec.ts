import { MIGRATIONS } from '../migrations';
import { useTestApp } from './support/test-app';
import { useTestDatabase } from './support/test-database';

describe('operations', () => {
  const db = useTestDatabase();
  const app = useTestApp(db);

  it('GET /health answers {"status":"ok"}', async () => {
    const res = await app.http.get('/health');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ status: 'ok' });
    // No body is hashed into an ETag on every request (the reference sends none either).
    expect(res.headers.get('etag')).toBeNull();
  });

  it('GET /metrics serves Prometheus text', async () => {
    const res = await app.http.get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    expect(res.text).toContain('molecule_db_queries_total');
  });

  it('unknown routes answer 404 in the error shape', async () => {
    const res = await app.http.get('/no-such-route');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: 'not found' });
  });

  it('the schema comes from migrations', async () => {
    const rows = await db.query<{ name: string }>('SELECT name FROM typeorm_migrations');
    expect(rows.map((r) => r.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    expect(rows[0].name).toBe('InitialSchema1764000000000');
  });
});
