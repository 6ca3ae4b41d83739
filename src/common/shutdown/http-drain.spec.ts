import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { drainHttpServer } from './http-drain';

/** A server whose `/slow` requests wait until the test releases them. */
async function serve() {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const slowArrived = new Promise<void>((resolve) => (arrived = resolve));
  const server = http.createServer((req, res) => {
    if (req.url === '/slow') {
      arrived();
      void released.then(() => res.end('slow done'));
      return;
    }
    res.end('fast');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { server, port, release, slowArrived };
}

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
    const { server, port, release, slowArrived } = await serve();
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
    const { server, port, slowArrived } = await serve();
    const slow = get(port, '/slow', new http.Agent());
    await slowArrived;
    expect(await drainHttpServer(server, Date.now())).toBe('cut');
    await expect(slow).rejects.toMatchObject({ code: 'ECONNRESET' });
  });
});
