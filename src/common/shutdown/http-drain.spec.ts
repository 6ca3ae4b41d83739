import * as http from 'node:http';
import { startHeldServer } from '../../../test/support/held-server';
import { drainHttpServer } from './http-drain';

/** A server whose `/slow` requests wait until the test releases them. */
const serve = () =>
  startHeldServer(
    (res) => res.end(res.req.url === '/slow' ? 'slow done' : 'fast'),
    (req) => req.url === '/slow',
  );

function get(port: number, path: string, agent: http.Agent): Promise<string> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port, path, agent }, (res) => {
        let body = '';
        res.on('data', (chunk: Buffer) => (body += chunk.toString()));
        res.on('end', () => resolve(body));
        res.on('error', reject);
      })
      .on('error', reject);
  });
}

describe('drainHttpServer', () => {
  const agent = new http.Agent({ keepAlive: true });
  afterAll(() => agent.destroy());

  it('refuses new connections, lets the request in flight finish, closes idle keep-alives', async () => {
    const { server, port, release, received: slowArrived } = await serve();
    // An idle keep-alive connection, left open by the agent.
    expect(await get(port, '/fast', agent)).toBe('fast');
    const idle = Object.values(agent.freeSockets).flat()[0]!;
    const idleClosed = new Promise((resolve) => idle.once('close', resolve));
    const slow = get(port, '/slow', new http.Agent({ keepAlive: true }));
    await slowArrived;

    let outcome: string | undefined;
    const draining = drainHttpServer(server, Date.now() + 60_000).then((o) => (outcome = o));
    await expect(get(port, '/fast', new http.Agent())).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });
    await idleClosed;
    expect(outcome).toBeUndefined();

    release();
    expect(await slow).toBe('slow done');
    await draining;
    expect(outcome).toBe('drained');
  });

  it('cuts the requests still in flight at the deadline', async () => {
    const { server, port, received: slowArrived } = await serve();
    const slow = get(port, '/slow', new http.Agent());
    await slowArrived;
    expect(await drainHttpServer(server, Date.now())).toBe('cut');
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
