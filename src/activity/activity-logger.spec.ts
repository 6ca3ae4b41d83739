import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { EventEmitter } from '../events/event-emitter.port';
import { ActivityLogger } from './activity-logger';
import { ActivityRepository } from './activity.repository';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const PEER = '2b1e4c0a-3f5d-4e6a-8b7c-9d0e1f2a3b4c';
const ROW_ID = 'a0a0a0a0-0000-4000-8000-000000000001';
const CREATED = new Date('2026-04-05T10:00:00.123Z');

describe('ActivityLogger', () => {
  let repo: MockProxy<ActivityRepository>;
  let events: MockProxy<EventEmitter>;
  let activity: ActivityLogger;
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    repo = mock<ActivityRepository>();
    events = mock<EventEmitter>();
    repo.insert.mockResolvedValue({ id: ROW_ID, created_at: CREATED });
    activity = new ActivityLogger(repo, events);
  });

  afterEach(() => jest.restoreAllMocks());

  it('a minimal entry: NULLs, status ok, snapshot payload with id and created_at', async () => {
    expect(await activity.log({ workspaceId: WS, activityType: 'agent_log' })).toBe(ROW_ID);
    expect(repo.insert).toHaveBeenCalledWith({
      workspaceId: WS,
      activityType: 'agent_log',
      sourceId: null,
      targetId: null,
      method: null,
      summary: null,
      requestBody: null,
      responseBody: null,
      toolTrace: null,
      durationMs: null,
      status: 'ok',
      errorDetail: null,
    });
    expect(events.broadcastOnly).toHaveBeenCalledTimes(1);
    const [type, workspaceId, payload] = events.broadcastOnly.mock.calls[0];
    expect([type, workspaceId]).toEqual(['ACTIVITY_LOGGED', WS]);
    expect(payload).toStrictEqual({
      id: ROW_ID,
      activity_type: 'agent_log',
      method: null,
      summary: null,
      status: 'ok',
      source_id: null,
      target_id: null,
      duration_ms: null,
      created_at: CREATED,
    });
  });

  it('a full entry: bodies and tool trace stored as JSON text and broadcast as values', async () => {
    const requestBody = { params: { message: { parts: [{ kind: 'text', text: 'hi' }] } } };
    const responseBody = { result: 'done' };
    const toolTrace = [{ tool: 'bash', input: 'ls', output_preview: 'a' }];
    await activity.log({
      workspaceId: WS,
      activityType: 'a2a_receive',
      sourceId: PEER,
      targetId: WS,
      method: 'message/send',
      summary: 'hello',
      requestBody,
      responseBody,
      toolTrace,
      durationMs: 1234,
      status: 'error',
      errorDetail: 'boom',
    });
    expect(repo.insert).toHaveBeenCalledWith({
      workspaceId: WS,
      activityType: 'a2a_receive',
      sourceId: PEER,
      targetId: WS,
      method: 'message/send',
      summary: 'hello',
      requestBody: JSON.stringify(requestBody),
      responseBody: '{"result":"done"}',
      toolTrace: JSON.stringify(toolTrace),
      durationMs: 1234,
      status: 'error',
      errorDetail: 'boom',
    });
    expect(events.broadcastOnly.mock.calls[0][2]).toStrictEqual({
      id: ROW_ID,
      activity_type: 'a2a_receive',
      method: 'message/send',
      summary: 'hello',
      status: 'error',
      source_id: PEER,
      target_id: WS,
      duration_ms: 1234,
      created_at: CREATED,
      tool_trace: toolTrace,
      request_body: requestBody,
      response_body: responseBody,
    });
  });

  it('only one body: the other key is absent from the broadcast', async () => {
    await activity.log({ workspaceId: WS, activityType: 'a2a_send', requestBody: { task: 't' } });
    const payload = events.broadcastOnly.mock.calls[0][2]!;
    expect(payload.request_body).toEqual({ task: 't' });
    expect('response_body' in payload).toBe(false);
    expect(repo.insert.mock.calls[0][0]).toMatchObject({
      requestBody: '{"task":"t"}',
      responseBody: null,
    });
  });

  it('a null body is JSON null (stored and broadcast), unlike an absent one', async () => {
    await activity.log({ workspaceId: WS, activityType: 'a2a_send', responseBody: null });
    expect(repo.insert.mock.calls[0][0].responseBody).toBe('null');
    expect(events.broadcastOnly.mock.calls[0][2]).toHaveProperty('response_body', null);
  });

  it('a body JSON cannot encode is stored and broadcast as null', async () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(
      await activity.log({ workspaceId: WS, activityType: 'a2a_send', requestBody: cyclic }),
    ).toBe(ROW_ID);
    expect(repo.insert.mock.calls[0][0].requestBody).toBe('null');
    expect(events.broadcastOnly.mock.calls[0][2]).toHaveProperty('request_body', null);
  });

  it.each([[[]], [{ tool: 'x' }], ['trace'], [null]])(
    'drops a tool trace that is not a non-empty array: %p',
    async (toolTrace) => {
      await activity.log({ workspaceId: WS, activityType: 'a2a_receive', toolTrace });
      expect(repo.insert.mock.calls[0][0].toolTrace).toBeNull();
      expect('tool_trace' in events.broadcastOnly.mock.calls[0][2]!).toBe(false);
    },
  );

  it('empty status defaults to ok; a fractional duration is rounded for the INTEGER column', async () => {
    await activity.log({ workspaceId: WS, activityType: 'x', status: '', durationMs: 12.6 });
    expect(repo.insert.mock.calls[0][0]).toMatchObject({ status: 'ok', durationMs: 13 });
  });

  it('a failed insert is logged, answers undefined and broadcasts nothing', async () => {
    repo.insert.mockRejectedValue(new Error('db down'));
    expect(await activity.log({ workspaceId: WS, activityType: 'agent_log' })).toBeUndefined();
    expect(events.broadcastOnly).not.toHaveBeenCalled();
    expect(logError).toHaveBeenCalledWith(
      expect.objectContaining({ workspaceId: WS, activityType: 'agent_log' }),
      'activity log insert failed',
    );
  });
});
