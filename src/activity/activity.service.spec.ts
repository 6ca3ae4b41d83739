import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { ActivityLogger } from './activity-logger';
import { ActivityRow, ActivityRepository } from './activity.repository';
import { ActivityService } from './activity.service';
import { ReportActivityDto } from './dto/report-activity.dto';
import { apiFailure as failure } from '../../test/support/unit';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const OTHER = '2b1e4c0a-3f5d-4e6a-8b7c-9d0e1f2a3b4c';
const INVALID_TYPE =
  'invalid activity_type, must be one of: a2a_send, a2a_receive, task_update, agent_log, skill_promotion, memory_write, error';

function dto(fields: Partial<ReportActivityDto>): ReportActivityDto {
  return Object.assign(new ReportActivityDto(), { activity_type: 'agent_log', ...fields });
}

function row(fields: Partial<ActivityRow> = {}): ActivityRow {
  return {
    id: 'r1',
    workspace_id: WS,
    activity_type: 'a2a_receive',
    source_id: null,
    target_id: null,
    method: null,
    summary: null,
    request_body: null,
    response_body: null,
    tool_trace: null,
    duration_ms: null,
    status: 'ok',
    error_detail: null,
    created_at: new Date('2026-04-05T10:00:00Z'),
    ...fields,
  };
}

describe('ActivityService', () => {
  let logger: MockProxy<ActivityLogger>;
  let repo: MockProxy<ActivityRepository>;
  let service: ActivityService;
  let warn: jest.SpyInstance;

  beforeEach(() => {
    warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    logger = mock<ActivityLogger>();
    logger.log.mockResolvedValue('row-id');
    repo = mock<ActivityRepository>();
    service = new ActivityService(logger, repo);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('report', () => {
    it.each([
      ['a2a_send'],
      ['a2a_receive'],
      ['task_update'],
      ['agent_log'],
      ['skill_promotion'],
      ['memory_write'],
      ['error'],
    ])('accepts %s', async (activity_type) => {
      expect(await service.report(WS, dto({ activity_type }))).toEqual({ status: 'logged' });
      expect(logger.log.mock.calls[0][0].activityType).toBe(activity_type);
    });

    it.each([['delegation'], ['bogus'], ['AGENT_LOG']])(
      'rejects %s, listing the types',
      async (t) => {
        expect(await failure(service.report(WS, dto({ activity_type: t })))).toEqual([
          400,
          { error: INVALID_TYPE },
        ]);
        expect(logger.log).not.toHaveBeenCalled();
      },
    );

    it('a minimal report: agent row of this workspace, NULLs, status ok', async () => {
      await service.report(WS, dto({}));
      expect(logger.log).toHaveBeenCalledWith({
        workspaceId: WS,
        activityType: 'agent_log',
        sourceId: WS,
        targetId: null,
        method: null,
        summary: null,
        requestBody: undefined,
        responseBody: undefined,
        durationMs: null,
        status: 'ok',
        errorDetail: null,
      });
    });

    it('empty strings become NULL; the rest passes through', async () => {
      await service.report(
        WS,
        dto({ method: '', summary: '', target_id: '', error_detail: '', status: '' }),
      );
      expect(logger.log.mock.calls[0][0]).toMatchObject({
        method: null,
        summary: null,
        targetId: null,
        errorDetail: null,
        status: 'ok',
      });
      await service.report(
        WS,
        dto({
          activity_type: 'a2a_receive',
          method: 'message/send',
          summary: 's',
          target_id: 'webhook:github',
          error_detail: 'e',
          status: 'error',
          duration_ms: 42,
          request_body: { task: 't' },
          response_body: { result: 'r' },
        }),
      );
      expect(logger.log.mock.calls[1][0]).toEqual({
        workspaceId: WS,
        activityType: 'a2a_receive',
        sourceId: WS,
        targetId: 'webhook:github',
        method: 'message/send',
        summary: 's',
        requestBody: { task: 't' },
        responseBody: { result: 'r' },
        durationMs: 42,
        status: 'error',
        errorDetail: 'e',
      });
    });

    it('request_body falls back to metadata', async () => {
      await service.report(WS, dto({ metadata: { skill: 'x' } }));
      expect(logger.log.mock.calls[0][0].requestBody).toEqual({ skill: 'x' });
      await service.report(WS, dto({ request_body: { a: 1 }, metadata: { skill: 'x' } }));
      expect(logger.log.mock.calls[1][0].requestBody).toEqual({ a: 1 });
      await service.report(WS, dto({ request_body: null, metadata: null }));
      expect(logger.log.mock.calls[2][0].requestBody).toBeUndefined();
    });

    it('own source_id (any UUID spelling) is accepted', async () => {
      for (const source_id of [WS, WS.toUpperCase(), `{${WS}}`]) {
        expect(await service.report(WS, dto({ source_id }))).toEqual({ status: 'logged' });
      }
      expect(logger.log.mock.calls.every(([e]) => e.sourceId === WS)).toBe(true);
    });

    it.each([[OTHER], ['webhook:github'], ['canvas']])(
      'a foreign source_id %p is a 403 and writes nothing',
      async (source_id) => {
        expect(await failure(service.report(WS, dto({ source_id })))).toEqual([
          403,
          { error: 'source_id must match authenticated workspace' },
        ]);
        expect(logger.log).not.toHaveBeenCalled();
      },
    );

    it('logs a spoofed source_id with its control characters escaped', async () => {
      const forged = `${OTHER}\nINFO fake log line\r\u001b[0m`;
      await failure(service.report(WS, dto({ source_id: forged })));
      expect(warn).toHaveBeenCalledTimes(1);
      const line = String(warn.mock.calls[0][0]);
      expect(line).toContain('\\nINFO fake log line\\r\\u001b[0m');
      expect(['\r', '\n', '\u001b'].filter((c) => line.includes(c))).toEqual([]);
    });

    it('a lost write is a 500, not a silent 200', async () => {
      logger.log.mockResolvedValue(undefined);
      repo.workspaceExists.mockResolvedValue(true);
      expect(await failure(service.report(WS, dto({})))).toEqual([
        500,
        { error: 'failed to log activity' },
      ]);
    });

    it('a write lost because the workspace has no row is a 404', async () => {
      logger.log.mockResolvedValue(undefined);
      repo.workspaceExists.mockResolvedValue(false);
      expect(await failure(service.report(WS, dto({})))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
      expect(repo.workspaceExists).toHaveBeenCalledWith(WS);
    });

    it('a logged report asks nothing more of the database', async () => {
      logger.log.mockResolvedValue('row-id');
      await service.report(WS, dto({}));
      expect(repo.workspaceExists).not.toHaveBeenCalled();
    });
  });

  describe('list', () => {
    const query = { limit: 100 };

    it('maps rows: nullable keys as null, JSON columns only when non-NULL', async () => {
      repo.list.mockResolvedValue([
        row({ id: 'a', request_body: '{"task":"t"}', tool_trace: '[{"tool":"x"}]' }),
        row({ id: 'b', response_body: 'null', status: null }),
      ]);
      const views = JSON.parse(await service.list(WS, query));
      expect(repo.list).toHaveBeenCalledWith(WS, query);
      expect(views[0]).toStrictEqual({
        id: 'a',
        workspace_id: WS,
        activity_type: 'a2a_receive',
        source_id: null,
        target_id: null,
        method: null,
        summary: null,
        duration_ms: null,
        status: 'ok',
        error_detail: null,
        created_at: '2026-04-05T10:00:00.000Z',
        request_body: { task: 't' },
        tool_trace: [{ tool: 'x' }],
      });
      expect(Object.keys(views[1])).toContain('response_body');
      expect(views[1].response_body).toBeNull();
      expect(views[1].status).toBeNull();
      expect('request_body' in views[1]).toBe(false);
    });

    it('splices the JSON columns as PostgreSQL wrote them, last, after the other keys', async () => {
      repo.list.mockResolvedValue([
        row({ id: 'a', request_body: '{"a": [1, 2.50, {"b": "é\\u0001"}]}', response_body: '"x"' }),
      ]);
      const text = await service.list(WS, query);
      expect(
        text.endsWith(',"request_body":{"a": [1, 2.50, {"b": "é\\u0001"}]},"response_body":"x"}]'),
      ).toBe(true);
      expect(JSON.parse(text)[0].request_body).toEqual({ a: [1, 2.5, { b: 'é\u0001' }] });
    });

    it('empty → []', async () => {
      repo.list.mockResolvedValue([]);
      expect(await service.list(WS, query)).toBe('[]');
    });

    it('a query failure → 500 query failed', async () => {
      repo.list.mockRejectedValue(new Error('boom'));
      expect(await failure(service.list(WS, query))).toEqual([500, { error: 'query failed' }]);
    });
  });
});
