import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { ControlPlaneDouble } from '../../../test/support/control-plane-double';
import { eventually } from '../../../test/support/eventually';
import { FakeClock } from '../../../test/support/fake-clock';
import { quietLogs } from '../../../test/support/unit';
import { WorkspaceStartSpec } from '../provisioner.port';
import { ControlPlaneOptions, HttpCPProvisioner } from './cp-provisioner';
import { InstanceIds } from './instance-ids.repository';

describe('HttpCPProvisioner', () => {
  quietLogs();
  let cp: ControlPlaneDouble;
  let clock: FakeClock;
  const instanceIds = new Map<string, string>();
  let lookupFails = false;
  const lookup: InstanceIds = {
    instanceId: async (id) => {
      if (lookupFails) throw new Error('db down');
      return instanceIds.get(id) ?? '';
    },
  };
  const adapter = (over: Partial<ControlPlaneOptions> = {}) =>
    new HttpCPProvisioner(
      {
        baseUrl: cp.url,
        sharedSecret: 'shared-secret',
        adminApiKey: 'admin-api-key',
        orgId: 'org-1',
        adminToken: 'tenant-admin-token',
        ...over,
      },
      lookup,
      clock,
    );
  const spec = (over: Partial<WorkspaceStartSpec> = {}): WorkspaceStartSpec => ({
    workspaceId: randomUUID(),
    name: 'Remote',
    tier: 3,
    runtime: 'claude-code',
    platformUrl: 'https://tenant.example',
    env: { OPENAI_API_KEY: 'sk-1' },
    ...over,
  });

  beforeEach(async () => {
    cp = await new ControlPlaneDouble().start();
    clock = new FakeClock();
    instanceIds.clear();
    lookupFails = false;
  });
  afterEach(() => cp.close());

  it('refuses to exist without an org id', () => {
    expect(() => adapter({ orgId: '' })).toThrow(
      'MOLECULE_ORG_ID required for control plane provisioner',
    );
  });

  describe('headers', () => {
    it('provision routes carry the shared secret and the tenant admin token', () => {
      expect(adapter().provisionHeaders()).toEqual({
        authorization: 'Bearer shared-secret',
        'x-molecule-admin-token': 'tenant-admin-token',
      });
    });

    it('admin routes carry the admin API key instead', () => {
      expect(adapter().adminHeaders()).toEqual({
        authorization: 'Bearer admin-api-key',
        'x-molecule-admin-token': 'tenant-admin-token',
      });
    });

    it('sends neither header when neither value is set; each alone when only it is', () => {
      expect(adapter({ sharedSecret: '', adminToken: '' }).provisionHeaders()).toEqual({});
      expect(adapter({ sharedSecret: '' }).provisionHeaders()).toEqual({
        'x-molecule-admin-token': 'tenant-admin-token',
      });
    });
  });

  describe('start', () => {
    it('POSTs the provision request and returns the instance id on 201', async () => {
      cp.reply('POST /cp/workspaces/provision', {
        status: 201,
        body: { instance_id: 'i-0abc', private_ip: '10.0.0.5', state: 'pending' },
      });
      const s = spec();
      expect(await adapter().start(s)).toBe('i-0abc');
      const [call] = cp.calls;
      expect(call.method).toBe('POST');
      expect(call.path).toBe('/cp/workspaces/provision');
      expect(call.headers).toMatchObject({
        authorization: 'Bearer shared-secret',
        'x-molecule-admin-token': 'tenant-admin-token',
        'content-type': 'application/json',
      });
      expect(JSON.parse(call.body)).toEqual({
        org_id: 'org-1',
        workspace_id: s.workspaceId,
        runtime: 'claude-code',
        tier: 3,
        platform_url: 'https://tenant.example',
        env: { OPENAI_API_KEY: 'sk-1' },
      });
    });

    it('a 201 without an instance id returns an empty one', async () => {
      cp.reply('POST /cp/workspaces/provision', { status: 201, body: 'accepted' });
      expect(await adapter().start(spec())).toBe('');
    });

    it.each([200, 400, 500, 503])(
      'any other status (%p) fails with the control plane’s error field',
      async (status) => {
        cp.reply('POST /cp/workspaces/provision', {
          status,
          body: { error: 'quota exceeded for t3.large in subnet-123' },
        });
        await expect(adapter().start(spec())).rejects.toThrow(
          `cp provisioner: provision failed (${status}): quota exceeded for t3.large in subnet-123`,
        );
      },
    );

    it('never echoes an unstructured body, only its size (read up to 64 KiB)', async () => {
      cp.reply('POST /cp/workspaces/provision', {
        status: 502,
        body: '<html>ami-123 vpc-9 secret stack trace</html>',
        contentType: 'text/html',
      });
      const err = await adapter()
        .start(spec())
        .catch((e: Error) => e);
      expect((err as Error).message).toBe(
        'cp provisioner: provision failed (502): <unstructured body, 45 bytes>',
      );

      cp.reply('POST /cp/workspaces/provision', { status: 500, body: 'x'.repeat(300 * 1024) });
      await expect(adapter().start(spec())).rejects.toThrow(
        'cp provisioner: provision failed (500): <unstructured body, 65536 bytes>',
      );
    });

    it('a transport failure is tagged "send"', async () => {
      await cp.close();
      await expect(adapter().start(spec())).rejects.toThrow(/^cp provisioner: send: /);
    });

    it('gives up after the timeout when the control plane never answers', async () => {
      cp.reply('POST /cp/workspaces/provision', { hang: true });
      const started = adapter({ timeoutMs: 120_000 }).start(spec());
      await eventually(async () => (cp.calls.length === 1 ? true : undefined), 'the call');
      clock.advance(120_000);
      await expect(started).rejects.toThrow('cp provisioner: send: no answer within 120000 ms');
    });

    it('takes a slow answer that comes within the timeout', async () => {
      cp.reply('POST /cp/workspaces/provision', { hang: true });
      const started = adapter().start(spec());
      await eventually(async () => (cp.calls.length === 1 ? true : undefined), 'the call');
      clock.advance(119_000);
      cp.release(201, { instance_id: 'i-slow' });
      expect(await started).toBe('i-slow');
    });
  });

  describe('stop', () => {
    it('DELETEs with the recorded instance id (never the workspace id) and both headers', async () => {
      const id = randomUUID();
      instanceIds.set(id, 'i-0123');
      cp.reply(`DELETE /cp/workspaces/${id}`, { status: 200, body: {} });
      await adapter().stop(id);
      expect(cp.calls).toMatchObject([
        {
          method: 'DELETE',
          path: `/cp/workspaces/${id}?instance_id=i-0123`,
          headers: {
            authorization: 'Bearer shared-secret',
            'x-molecule-admin-token': 'tenant-admin-token',
          },
        },
      ]);
    });

    it('treats every status as done', async () => {
      const id = randomUUID();
      instanceIds.set(id, 'i-1');
      cp.reply(`DELETE /cp/workspaces/${id}`, { status: 500, body: { error: 'boom' } });
      await expect(adapter().stop(id)).resolves.toBeUndefined();
    });

    it('does nothing without an instance id', async () => {
      await adapter().stop(randomUUID());
      expect(cp.calls).toEqual([]);
    });

    it('fails on a lookup error or a transport error', async () => {
      lookupFails = true;
      await expect(adapter().stop(randomUUID())).rejects.toThrow(
        'cp provisioner: stop: resolve instance_id: db down',
      );
      lookupFails = false;
      const id = randomUUID();
      instanceIds.set(id, 'i-1');
      await cp.close();
      await expect(adapter().stop(id)).rejects.toThrow(/^cp provisioner: stop: /);
    });
  });

  describe('isRunning', () => {
    const warnings = () =>
      (Logger.prototype.warn as jest.Mock).mock.calls.map(
        (c) => (c[0] as { reason: string }).reason,
      );
    let id: string;
    beforeEach(() => {
      id = randomUUID();
      instanceIds.set(id, 'i-77');
    });

    it.each([
      ['running', true],
      ['pending', false],
      ['stopping', false],
      ['stopped', false],
      ['terminated', false],
    ])('state %p → %p, asked with the recorded instance id', async (state, running) => {
      cp.reply(`GET /cp/workspaces/${id}/status`, { status: 200, body: { state } });
      expect(await adapter().isRunning(id)).toBe(running);
      expect(cp.calls[0]).toMatchObject({
        path: `/cp/workspaces/${id}/status?instance_id=i-77`,
        headers: { authorization: 'Bearer shared-secret' },
      });
    });

    it('is false without asking when no instance was recorded', async () => {
      expect(await adapter().isRunning(randomUUID())).toBe(false);
      expect(cp.calls).toEqual([]);
    });

    it.each([500, 502, 503, 401, 404])(
      'a %p is "running" and its body is not trusted',
      async (status) => {
        cp.reply(`GET /cp/workspaces/${id}/status`, { status, body: { state: 'stopped' } });
        expect(await adapter().isRunning(id)).toBe(true);
        expect(warnings()).toEqual([`cp provisioner: status: unexpected ${status}`]);
      },
    );

    it('a body that is not JSON is "running" (decode error)', async () => {
      cp.reply(`GET /cp/workspaces/${id}/status`, {
        status: 200,
        body: '<html>gateway</html>',
        contentType: 'text/html',
      });
      expect(await adapter().isRunning(id)).toBe(true);
      expect(warnings()[0]).toMatch(/^cp provisioner: status decode: /);
    });

    it('a transport error or a lookup error is "running"', async () => {
      lookupFails = true;
      expect(await adapter().isRunning(id)).toBe(true);
      lookupFails = false;
      await cp.close();
      expect(await adapter().isRunning(id)).toBe(true);
      expect(warnings()).toEqual([
        'cp provisioner: status: resolve instance_id: db down',
        expect.stringMatching(/^cp provisioner: status: /),
      ]);
    });

    it('decodes the first 64 KiB only: padding after a valid answer is ignored', async () => {
      cp.reply(`GET /cp/workspaces/${id}/status`, {
        status: 200,
        body: `{"state":"stopped"}${' '.repeat(128 * 1024)}garbage`,
      });
      expect(await adapter().isRunning(id)).toBe(false);
    });
  });

  describe('getConsoleOutput', () => {
    it('GETs the admin console route with the admin API key', async () => {
      const id = randomUUID();
      cp.reply(`GET /cp/admin/workspaces/${id}/console`, {
        status: 200,
        body: { output: 'cloud-init: ok' },
      });
      expect(await adapter().getConsoleOutput(id)).toBe('cloud-init: ok');
      expect(cp.calls[0].headers).toMatchObject({
        authorization: 'Bearer admin-api-key',
        'x-molecule-admin-token': 'tenant-admin-token',
      });
    });

    it('fails on a non-2xx, an undecodable answer, an answer over 256 KiB, or no answer', async () => {
      const id = randomUUID();
      const route = `GET /cp/admin/workspaces/${id}/console`;
      cp.reply(route, { status: 403, body: { error: 'nope' } });
      await expect(adapter().getConsoleOutput(id)).rejects.toThrow(
        'cp provisioner: console: unexpected 403',
      );
      cp.reply(route, { status: 200, body: 'not json' });
      await expect(adapter().getConsoleOutput(id)).rejects.toThrow(
        /^cp provisioner: console decode: /,
      );
      cp.reply(route, { status: 200, body: { output: 'x'.repeat(300 * 1024) } });
      await expect(adapter().getConsoleOutput(id)).rejects.toThrow(
        /^cp provisioner: console decode: /,
      );
      await cp.close();
      await expect(adapter().getConsoleOutput(id)).rejects.toThrow(/^cp provisioner: console: /);
    });
  });

  describe('ping', () => {
    it('is true when the control plane answers at all (a 404 included), false when it does not', async () => {
      expect(await adapter().ping()).toBe(true);
      expect(cp.calls.map((c) => `${c.method} ${c.path}`)).toEqual(['GET /']);
      await cp.close();
      expect(await adapter().ping()).toBe(false);
    });
  });
});
