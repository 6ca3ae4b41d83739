import * as net from 'node:net';
import { LoopbackPorts } from './loopback-ports';

describe('LoopbackPorts', () => {
  it('hands out a free loopback port per owner, never one held by another', async () => {
    const ports = new LoopbackPorts();
    const taken = await Promise.all(['a', 'b', 'c', 'd'].map((o) => ports.take(o)));
    expect(new Set(taken).size).toBe(4);
    // Free right now: something can listen on it.
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(taken[0], '127.0.0.1', resolve));
    await new Promise((resolve) => server.close(resolve));
  });

  it('a new port for the same owner replaces its old one', async () => {
    const ports = new LoopbackPorts();
    await ports.take('a');
    const second = await ports.take('a');
    expect(ports['held']).toEqual(new Map([['a', second]]));
    ports.release('a');
    expect(ports['held'].size).toBe(0);
  });
});
