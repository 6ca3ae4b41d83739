import { Logger } from '@nestjs/common';
import type { Request } from 'express';
import { mock, MockProxy } from 'jest-mock-extended';
import { FakeHostResolver } from '../../common/ssrf/testing/fake-host-resolver';
import { urlGuardFor } from '../../common/ssrf/testing/url-guard-for';
import { WorkspaceAccess } from '../access/workspace-access';
import { DiscoveryAuth } from './discovery-auth';
import { DiscoveryRepository, DiscoveryRow } from './discovery.repository';
import { DiscoveryService, toDockerHost } from './discovery.service';
import { apiFailure as failure } from '../../../test/support/unit';

const CALLER = '0c000000-0000-4000-8000-000000000001';
const TARGET = '0c000000-0000-4000-8000-000000000002';
const req = { headers: {} } as Request;

const row = (id: string, fields: Partial<DiscoveryRow> = {}): DiscoveryRow => ({
  id,
  name: 'target',
  runtime: 'langgraph',
  url: null,
  internal_url: null,
  status: 'online',
  ...fields,
});

describe('DiscoveryService', () => {
  let repository: MockProxy<DiscoveryRepository>;
  let access: MockProxy<WorkspaceAccess>;
  let resolver: FakeHostResolver;
  let service: DiscoveryService;

  beforeEach(() => {
    repository = mock<DiscoveryRepository>();
    access = mock<WorkspaceAccess>();
    access.canCommunicate.mockResolvedValue(true);
    resolver = new FakeHostResolver();
    service = new DiscoveryService(
      repository,
      mock<DiscoveryAuth>(),
      access,
      urlGuardFor({}, resolver),
    );
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('discover', () => {
    it('answers 500 lookup failed, without the error text, when the row read fails', async () => {
      repository.rows.mockRejectedValue(new Error('relation "workspaces" does not exist'));
      expect(await failure(service.discover(TARGET, CALLER, req))).toEqual([
        500,
        { error: 'lookup failed' },
      ]);
    });

    it('answers 404 when the target vanished after the access check', async () => {
      repository.rows.mockResolvedValue(new Map([[CALLER, row(CALLER)]]));
      expect(await failure(service.discover(TARGET, CALLER, req))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
    });

    it('treats a NULL name as "" and a NULL runtime as a container runtime', async () => {
      repository.rows.mockResolvedValue(
        new Map([[TARGET, row(TARGET, { name: null, runtime: null, url: 'http://8.8.8.8' })]]),
      );
      expect(await service.discover(TARGET, CALLER, req)).toEqual({
        id: TARGET,
        url: `http://ws-${TARGET.slice(0, 12)}:8000`,
        name: '',
      });
    });

    it('does not rewrite for a caller whose runtime is external', async () => {
      resolver.set('localhost.example', ['8.8.8.8']);
      repository.rows.mockResolvedValue(
        new Map([
          [TARGET, row(TARGET, { runtime: 'external', url: 'http://localhost.example/a2a' })],
          [CALLER, row(CALLER, { runtime: 'external' })],
        ]),
      );
      expect(await service.discover(TARGET, CALLER, req)).toEqual({
        id: TARGET,
        url: 'http://localhost.example/a2a',
        name: 'target',
      });
      expect(resolver.calls).toEqual(['localhost.example']);
    });
  });

  describe('peers', () => {
    it('answers 500 lookup failed when the parent lookup fails', async () => {
      repository.parentOf.mockRejectedValue(new Error('timeout'));
      expect(await failure(service.peers(TARGET, undefined, req))).toEqual([
        500,
        { error: 'lookup failed' },
      ]);
    });

    it('answers 500 lookup failed when the peer list fails (never a silently short list)', async () => {
      repository.parentOf.mockResolvedValue(null);
      repository.peers.mockRejectedValue(new Error('timeout'));
      expect(await failure(service.peers(TARGET, undefined, req))).toEqual([
        500,
        { error: 'lookup failed' },
      ]);
    });
  });

  describe('toDockerHost', () => {
    it.each([
      ['http://127.0.0.1:9000/a2a', 'http://host.docker.internal:9000/a2a'],
      ['http://localhost:9000', 'http://host.docker.internal:9000'],
      ['http://agent.example.com/a2a', 'http://agent.example.com/a2a'],
      // Plain first-occurrence substring replacement, as the reference does it.
      ['http://localhost:1/?next=localhost', 'http://host.docker.internal:1/?next=localhost'],
      ['http://127.0.0.1/localhost', 'http://host.docker.internal/host.docker.internal'],
      ['http://my-localhost.dev', 'http://my-host.docker.internal.dev'],
    ])('%s → %s', (url, expected) => {
      expect(toDockerHost(url)).toBe(expected);
    });
  });
});
