import { Readable } from 'node:stream';
import { Clock } from '../../common/clock/clock';
import { AppConfig } from '../../config/app-config';
import { loadConfig } from '../../config/load-config';
import { EventBus } from '../../events/event-bus';
import { WorkspaceAccess } from '../../registry/access/workspace-access';
import { RuntimeOverrides } from '../../registry/heartbeat/runtime-overrides';
import { FakeClock } from '../../../test/support/fake-clock';
import { createUnit, quietLogs, UnitUnderTest } from '../../../test/support/unit';
import {
  BridgeNetworkUrl,
  StoredUrl,
  WorkspaceUrlRewrite,
} from '../../provisioner/workspace-url-rewrite';
import { A2AProxyService } from './a2a-proxy.service';
import { AgentTransport, RequestConstructionError } from './agent-transport';
import { BusyTarget } from './busy-target';
import { DeadAgentCheck } from './dead-agent-check';
import { jsonResult, ProxyResult } from './proxy-result';
import { A2AMetrics } from '../a2a-metrics';
import { ProxySideEffects } from './proxy-side-effects';
import { ProxyTarget, ProxyTargetRepository } from './proxy-target.repository';
import { UrlVerdicts } from '../../common/ssrf/url-verdicts';

const TARGET = '1a2b3c4d-0000-4000-8000-000000000001';
const PEER = '1a2b3c4d-0000-4000-8000-000000000002';
const body = { method: 'message/send', params: { message: { role: 'user', parts: [] } } };
const online: ProxyTarget = {
  url: 'http://agent',
  status: 'online',
  runtime: 'langgraph',
  name: 'A',
  budget_limit: null,
  monthly_spend: 0,
};
const reply = (status: number, text: string, contentType = 'application/json') => ({
  status,
  contentType,
  body: Readable.from([Buffer.from(text)]),
});
const json = (result: ProxyResult) =>
  result.kind === 'json' ? JSON.parse(result.body.toString()) : undefined;

describe('A2AProxyService', () => {
  quietLogs();
  let unit: UnitUnderTest<A2AProxyService>;
  const proxy = (over: Partial<Parameters<A2AProxyService['proxy']>[0]> = {}) =>
    unit.sut.proxy({
      targetId: TARGET,
      callerId: '',
      body,
      logFailures: true,
      enqueueWhenBusy: true,
      ...over,
    });

  beforeEach(async () => {
    unit = await createUnit(A2AProxyService, [
      { provide: AppConfig, useValue: loadConfig({}).config },
      { provide: Clock, useValue: new FakeClock() },
      { provide: EventBus, useValue: new EventBus() },
      { provide: RuntimeOverrides, useValue: new RuntimeOverrides() },
      { provide: WorkspaceUrlRewrite, useValue: new StoredUrl() },
    ]);
    unit.mock(ProxyTargetRepository).target.mockResolvedValue(online);
    unit.mock(UrlVerdicts).check.mockResolvedValue({ ok: true });
    unit.mock(WorkspaceAccess).canCommunicate.mockResolvedValue(true);
    unit.mock(AgentTransport).post.mockImplementation(async () => reply(200, '{}'));
  });

  it('checks the hierarchy first, for peers only', async () => {
    unit.mock(WorkspaceAccess).canCommunicate.mockResolvedValue(false);
    const result = await proxy({ callerId: PEER });
    expect(result.status).toBe(403);
    expect(unit.mock(ProxyTargetRepository).target).not.toHaveBeenCalled();
    await proxy({ callerId: 'system:restart-context' });
    await proxy({ callerId: TARGET });
    expect(unit.mock(WorkspaceAccess).canCommunicate).toHaveBeenCalledTimes(1);
  });

  it('then the budget, then the URL, then the body', async () => {
    unit
      .mock(ProxyTargetRepository)
      .target.mockResolvedValue({ ...online, budget_limit: 5, monthly_spend: 5 });
    expect(json(await proxy({ body: '{nope' }))).toEqual({
      error: 'workspace budget limit exceeded',
    });

    unit.mock(ProxyTargetRepository).target.mockResolvedValue(online);
    unit.mock(UrlVerdicts).check.mockResolvedValue({ ok: false, reason: 'private' });
    expect(json(await proxy({ body: '{nope' }))).toEqual({
      error: 'workspace URL is not publicly routable',
    });

    unit.mock(UrlVerdicts).check.mockResolvedValue({ ok: true });
    expect(json(await proxy({ body: '{nope' }))).toEqual({ error: 'invalid JSON' });
    expect(unit.mock(AgentTransport).post).not.toHaveBeenCalled();
  });

  it('times and counts every call by its outcome, a throwing one as failed', async () => {
    await proxy();
    unit.mock(WorkspaceAccess).canCommunicate.mockResolvedValue(false);
    await proxy({ callerId: PEER });
    unit.mock(UrlVerdicts).check.mockRejectedValue(new Error('resolver down'));
    await expect(proxy()).rejects.toThrow('resolver down');
    expect(unit.mock(A2AMetrics).proxied.mock.calls).toEqual([
      ['delivered', expect.any(Number)],
      ['rejected', expect.any(Number)],
      ['failed', expect.any(Number)],
    ]);
  });

  it('reaches the agent at the URL the platform rewrites the stored one to', async () => {
    const rewrite = new BridgeNetworkUrl();
    jest
      .spyOn(unit.sut['urls'], 'forPlatform')
      .mockImplementation((id, url) => rewrite.forPlatform(id, url));
    unit.mock(ProxyTargetRepository).target.mockResolvedValue({
      ...online,
      url: 'http://127.0.0.1:40123/a2a',
    });
    await proxy();
    const inContainer = `http://ws-${TARGET.slice(0, 12)}:8000`;
    expect(unit.mock(UrlVerdicts).check).toHaveBeenCalledWith(inContainer);
    expect(unit.mock(AgentTransport).post).toHaveBeenCalledWith(
      inContainer,
      expect.any(Buffer),
      expect.anything(),
    );
  });

  it('relays a 2xx JSON reply verbatim and records it as delivered', async () => {
    unit.mock(AgentTransport).post.mockResolvedValue(reply(200, '{"jsonrpc":"2.0","result":{}}'));
    const result = await proxy();
    expect(result).toMatchObject({ kind: 'json', status: 200, outcome: 'delivered' });
    expect(result.kind === 'json' && result.body.toString()).toBe('{"jsonrpc":"2.0","result":{}}');
    expect(unit.mock(ProxySideEffects).delivered).toHaveBeenCalledWith(
      expect.anything(),
      200,
      expect.any(Buffer),
      expect.any(Number),
    );
  });

  it('replaces an error reply’s body with the error shape, keeping its status', async () => {
    unit.mock(AgentTransport).post.mockResolvedValue(reply(500, '{"error":"boom"}'));
    const result = await proxy();
    expect(result.status).toBe(500);
    expect(json(result)).toEqual({ error: 'boom' });
  });

  it('a request that cannot be built is a 500 with no activity row', async () => {
    unit.mock(AgentTransport).post.mockRejectedValue(new RequestConstructionError('blocked'));
    expect(json(await proxy())).toEqual({ error: 'failed to create proxy request' });
    expect(unit.mock(ProxySideEffects).failed).not.toHaveBeenCalled();
  });

  it('nobody answering is a 502 with a failure row', async () => {
    unit
      .mock(AgentTransport)
      .post.mockRejectedValue(
        Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
      );
    expect(json(await proxy())).toEqual({ error: 'failed to reach workspace agent' });
    expect(unit.mock(ProxySideEffects).failed).toHaveBeenCalledTimes(1);
  });

  it('a hang-up goes to the busy path', async () => {
    unit
      .mock(AgentTransport)
      .post.mockRejectedValue(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    unit.mock(BusyTarget).handle.mockResolvedValue(jsonResult(202, { queued: true }, 'queued'));
    expect((await proxy()).status).toBe(202);
    expect(unit.mock(BusyTarget).handle).toHaveBeenCalledTimes(1);
  });

  it('a dead container wins over busy: 503 restarting', async () => {
    unit
      .mock(AgentTransport)
      .post.mockRejectedValue(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
    unit.mock(DeadAgentCheck).isDeadAndMarkedOffline.mockResolvedValue(true);
    expect(json(await proxy())).toEqual({
      error: 'workspace agent unreachable — container restart triggered',
      restarting: true,
    });
    expect(unit.mock(BusyTarget).handle).not.toHaveBeenCalled();
  });

  it('a reply that breaks off after a 200 is a 502 with delivery confirmed', async () => {
    const broken = new Readable({
      read() {
        this.destroy(new Error('terminated'));
      },
    });
    unit
      .mock(AgentTransport)
      .post.mockResolvedValue({ status: 200, contentType: 'application/json', body: broken });
    expect(json(await proxy())).toEqual({
      error: 'failed to read agent response',
      delivery_confirmed: true,
    });
  });
});
