import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { EventEmitter } from '../../events/event-emitter.port';
import { ActivityRepository } from '../activity.repository';
import { NotifyAttachmentDto, NotifyDto } from '../dto/notify.dto';
import { NotifyRepository } from './notify.repository';
import { NotifyService } from './notify.service';
import { apiFailure as failure } from '../../../test/support/unit';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';

function dto(message: string, attachments?: NotifyAttachmentDto[]): NotifyDto {
  return Object.assign(new NotifyDto(), { message, attachments });
}

describe('NotifyService', () => {
  let workspaces: MockProxy<NotifyRepository>;
  let activity: MockProxy<ActivityRepository>;
  let events: MockProxy<EventEmitter>;
  let service: NotifyService;
  let logError: jest.SpyInstance;

  beforeEach(() => {
    logError = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    workspaces = mock<NotifyRepository>();
    activity = mock<ActivityRepository>();
    events = mock<EventEmitter>();
    workspaces.liveWorkspaceName.mockResolvedValue('Director');
    activity.insert.mockResolvedValue({ id: 'r', created_at: new Date() });
    service = new NotifyService(workspaces, activity, events);
  });

  afterEach(() => jest.restoreAllMocks());

  it('checks the workspace, broadcasts AGENT_MESSAGE, persists a canvas-side row, 200', async () => {
    expect(await service.notify(WS, dto('Done!'))).toEqual({ status: 'sent' });
    expect(workspaces.liveWorkspaceName).toHaveBeenCalledWith(WS);
    expect(events.broadcastOnly).toHaveBeenCalledWith('AGENT_MESSAGE', WS, {
      message: 'Done!',
      workspace_id: WS,
      name: 'Director',
    });
    expect(activity.insert).toHaveBeenCalledWith({
      workspaceId: WS,
      activityType: 'a2a_receive',
      sourceId: null,
      targetId: null,
      method: 'notify',
      summary: 'Agent message: Done!',
      requestBody: null,
      responseBody: '{"result":"Done!"}',
      toolTrace: null,
      durationMs: null,
      status: 'ok',
      errorDetail: null,
    });
    expect(events.broadcastOnly).toHaveBeenCalledTimes(1);
  });

  it('accepts any UUID spelling and uses the canonical id', async () => {
    await service.notify(WS.toUpperCase(), dto('x'));
    expect(workspaces.liveWorkspaceName).toHaveBeenCalledWith(WS);
    expect(events.broadcastOnly.mock.calls[0][1]).toBe(WS);
  });

  it('with attachments: in the broadcast (optional fields only when set) and as file parts', async () => {
    await service.notify(
      WS,
      dto('ZIP ready', [
        {
          uri: 'workspace:/workspace/.molecule/chat-uploads/x-build.zip',
          name: 'build.zip',
          mimeType: 'application/zip',
          size: 2048,
        },
        { uri: 'workspace:/workspace/b.txt', name: 'b.txt' },
      ]),
    );
    expect(events.broadcastOnly.mock.calls[0][2]).toStrictEqual({
      message: 'ZIP ready',
      workspace_id: WS,
      name: 'Director',
      attachments: [
        {
          uri: 'workspace:/workspace/.molecule/chat-uploads/x-build.zip',
          name: 'build.zip',
          mimeType: 'application/zip',
          size: 2048,
        },
        { uri: 'workspace:/workspace/b.txt', name: 'b.txt' },
      ],
    });
    expect(JSON.parse(activity.insert.mock.calls[0][0].responseBody!)).toStrictEqual({
      result: 'ZIP ready',
      parts: [
        {
          kind: 'file',
          file: {
            uri: 'workspace:/workspace/.molecule/chat-uploads/x-build.zip',
            name: 'build.zip',
            mimeType: 'application/zip',
            size: 2048,
          },
        },
        { kind: 'file', file: { uri: 'workspace:/workspace/b.txt', name: 'b.txt' } },
      ],
    });
  });

  it('an empty attachment list is no attachments', async () => {
    await service.notify(WS, dto('x', []));
    expect('attachments' in events.broadcastOnly.mock.calls[0][2]!).toBe(false);
    expect(activity.insert.mock.calls[0][0].responseBody).toBe('{"result":"x"}');
  });

  it.each([
    [[{ uri: '', name: 'a' }], 0],
    [[{ uri: 'u', name: '' }], 0],
    [[{ uri: '', name: '' }], 0],
    [[{ uri: 'u', name: 'n' }, { name: 'n' }], 1],
  ])('rejects incomplete attachments %p before any DB access', async (attachments, index) => {
    expect(await failure(service.notify(WS, dto('x', attachments)))).toEqual([
      400,
      { error: `attachment[${index}]: uri and name are required` },
    ]);
    expect(workspaces.liveWorkspaceName).not.toHaveBeenCalled();
    expect(activity.insert).not.toHaveBeenCalled();
    expect(events.broadcastOnly).not.toHaveBeenCalled();
  });

  it('unknown/removed workspace, malformed id or lookup error → 404, nothing sent', async () => {
    workspaces.liveWorkspaceName.mockResolvedValueOnce(undefined);
    expect(await failure(service.notify(WS, dto('x')))).toEqual([
      404,
      { error: 'workspace not found' },
    ]);
    expect(await failure(service.notify('not-a-uuid', dto('x')))).toEqual([
      404,
      { error: 'workspace not found' },
    ]);
    workspaces.liveWorkspaceName.mockRejectedValueOnce(new Error('db down'));
    expect(await failure(service.notify(WS, dto('x')))).toEqual([
      404,
      { error: 'workspace not found' },
    ]);
    expect(events.broadcastOnly).not.toHaveBeenCalled();
    expect(activity.insert).not.toHaveBeenCalled();
  });

  it('a failed insert still broadcasts and answers 200, and is logged', async () => {
    activity.insert.mockRejectedValue(new Error('db down'));
    expect(await service.notify(WS, dto('x'))).toEqual({ status: 'sent' });
    expect(events.broadcastOnly).toHaveBeenCalledTimes(1);
    expect(logError).toHaveBeenCalledWith(
      expect.objectContaining({ workspaceId: WS }),
      'notify: could not persist the message',
    );
  });

  it('a long message is previewed in the summary, kept whole in the body', async () => {
    const long = 'x'.repeat(100);
    await service.notify(WS, dto(long));
    const row = activity.insert.mock.calls[0][0];
    expect(row.summary).toBe(`Agent message: ${'x'.repeat(80)}…`);
    expect(JSON.parse(row.responseBody!)).toEqual({ result: long });
    expect(events.broadcastOnly.mock.calls[0][2]!.message).toBe(long);
  });
});
