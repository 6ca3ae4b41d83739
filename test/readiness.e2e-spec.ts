import { ComputeBackends } from '../src/provisioner/compute-backends';
import { DedicatedPostgres } from './support/dedicated-postgres';
import { eventually } from './support/eventually';
import { FakeControlPlane, FakeDocker } from './support/fake-compute';
import { conformanceProblems, OpenApiDocument } from './support/openapi-conformance';
import { startTestApp, TestApp } from './support/test-app';

/**
 * `/ready` against a PostgreSQL of this file's own (the shared test server is never stopped):
 * the test stops it under a running app and starts it again.
 */
describe('GET /ready', () => {
  let postgres: DedicatedPostgres;
  let databaseUrl: string;
  let app: TestApp;
  const docker = new FakeDocker();

  beforeAll(async () => {
    postgres = await DedicatedPostgres.start();
    databaseUrl = postgres.url;
    app = await startTestApp(databaseUrl, {}, [
      { provide: ComputeBackends, useValue: new ComputeBackends(docker, null) },
    ]);
  }, 60_000);

  afterAll(async () => {
    await app?.close();
    await postgres?.close();
  });

  it('answers 200 with each dependency: the database and the Docker engine', async () => {
    const res = await app.http.get('/ready');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ok',
      info: {
        database: { status: 'up', responseTime: expect.any(Number) },
        docker: { status: 'up' },
      },
      error: {},
      details: {
        database: { status: 'up', responseTime: expect.any(Number) },
        docker: { status: 'up' },
      },
    });
  });

  it('is degraded, still 200, while the Docker engine does not answer', async () => {
    docker.reachable = false;
    try {
      const res = await app.http.get('/ready');
      expect(res.status).toBe(200);
      expect(res.body.status).toBe('degraded');
      expect(res.body.details.docker).toEqual({
        status: 'degraded',
        message: 'not reachable; provisioning fails until it is',
      });
    } finally {
      docker.reachable = true;
    }
  });

  it('goes 503 while PostgreSQL is stopped, with the same body shape, and back to 200 after', async () => {
    await postgres.stop();
    try {
      const down = await app.http.get('/ready');
      expect(down.status).toBe(503);
      expect(down.body).toEqual({
        status: 'error',
        info: { docker: { status: 'up' } },
        error: {
          database: {
            status: 'down',
            message: 'database unreachable',
            responseTime: expect.any(Number),
          },
        },
        details: {
          database: {
            status: 'down',
            message: 'database unreachable',
            responseTime: expect.any(Number),
          },
          docker: { status: 'up' },
        },
      });
      // What /openapi.json says of the 503 holds (its document needs no database).
      const document = (await app.http.get<OpenApiDocument>('/openapi.json')).body;
      expect(conformanceProblems(document, 'GET', '/ready', 503, down.body)).toEqual([]);
      // Liveness does not depend on the database.
      expect((await app.http.get('/health')).body).toEqual({ status: 'ok' });
    } finally {
      await postgres.resume();
    }
    const up = await eventually(async () => {
      const res = await app.http.get('/ready');
      return res.status === 200 ? res : undefined;
    }, '/ready to answer 200 again');
    expect(up.body.status).toBe('ok');
  });

  it('checks the control plane instead when that is the backend', async () => {
    const cp = new FakeControlPlane();
    const cpApp = await startTestApp(databaseUrl, {}, [
      { provide: ComputeBackends, useValue: new ComputeBackends(null, cp) },
    ]);
    try {
      expect((await cpApp.http.get('/ready')).body.details).toEqual({
        database: { status: 'up', responseTime: expect.any(Number) },
        control_plane: { status: 'up' },
      });
      cp.reachable = false;
      const res = await cpApp.http.get('/ready');
      expect(res.status).toBe(200);
      expect(res.body.details.control_plane.status).toBe('degraded');
    } finally {
      await cpApp.close();
    }
  });

  it('reports only the database without a compute backend', async () => {
    const bare = await startTestApp(databaseUrl);
    try {
      expect(Object.keys((await bare.http.get('/ready')).body.details)).toEqual(['database']);
    } finally {
      await bare.close();
    }
  });
});
