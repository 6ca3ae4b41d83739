import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { WorkspaceTokens } from '../../common/auth/workspace-tokens.service';
import {
  TokenListRow,
  WorkspaceTokensRepository,
} from '../../common/auth/workspace-tokens.repository';
import { TokenWorkspacesRepository } from './token-workspaces.repository';
import { WorkspaceTokenAdmin } from './workspace-token-admin.service';
import { apiFailure as failure } from '../../../test/support/unit';

const WS = '7f0c9a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const TOKEN_ID = '1b2c3d4e-0000-4000-8000-000000000001';

describe('WorkspaceTokenAdmin', () => {
  let tokens: MockProxy<WorkspaceTokensRepository>;
  let issuer: MockProxy<WorkspaceTokens>;
  let workspaces: MockProxy<TokenWorkspacesRepository>;
  let admin: WorkspaceTokenAdmin;

  beforeEach(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    tokens = mock<WorkspaceTokensRepository>();
    issuer = mock<WorkspaceTokens>();
    workspaces = mock<TokenWorkspacesRepository>();
    admin = new WorkspaceTokenAdmin(tokens, issuer, workspaces);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('list', () => {
    it('passes the page through and counts the rows it returns', async () => {
      const rows: TokenListRow[] = [
        { id: 'b', prefix: 'bbbbbbbb', created_at: new Date(2), last_used_at: null },
        { id: 'a', prefix: 'aaaaaaaa', created_at: new Date(1), last_used_at: new Date(3) },
      ];
      tokens.listLive.mockResolvedValue(rows);

      expect(await admin.list(WS, { limit: 10, offset: 5 })).toEqual({ tokens: rows, count: 2 });
      expect(tokens.listLive).toHaveBeenCalledWith(WS, 10, 5);
    });

    it('answers an empty array, never null', async () => {
      tokens.listLive.mockResolvedValue([]);
      expect(await admin.list(WS, { limit: 50, offset: 0 })).toEqual({ tokens: [], count: 0 });
    });

    it('hides a query failure behind a canned 500', async () => {
      tokens.listLive.mockRejectedValue(new Error('connection reset'));
      expect(await failure(admin.list(WS, { limit: 50, offset: 0 }))).toEqual([
        500,
        { error: 'failed to list tokens' },
      ]);
    });
  });

  describe('create', () => {
    beforeEach(() => {
      workspaces.exists.mockResolvedValue(true);
      tokens.countLive.mockResolvedValue(0);
      issuer.issue.mockResolvedValue('plaintext-token');
    });

    it('mints a token for an existing workspace', async () => {
      expect(await admin.create(WS)).toBe('plaintext-token');
      expect(issuer.issue).toHaveBeenCalledWith(WS);
    });

    it('allows the 50th live token and refuses the 51st', async () => {
      tokens.countLive.mockResolvedValue(49);
      await expect(admin.create(WS)).resolves.toBe('plaintext-token');
      tokens.countLive.mockResolvedValue(50);
      expect(await failure(admin.create(WS))).toEqual([
        429,
        { error: 'maximum 50 active tokens per workspace' },
      ]);
    });

    it('answers 404 for an unknown workspace without minting', async () => {
      workspaces.exists.mockResolvedValue(false);
      expect(await failure(admin.create(WS))).toEqual([404, { error: 'workspace not found' }]);
      expect(issuer.issue).not.toHaveBeenCalled();
    });

    it('answers 404 when the workspace vanished before the insert (FK violation)', async () => {
      issuer.issue.mockRejectedValue(Object.assign(new Error('fk'), { code: '23503' }));
      expect(await failure(admin.create(WS))).toEqual([404, { error: 'workspace not found' }]);
    });

    it('answers 500 when the count, the lookup or the insert fails', async () => {
      const refused = [500, { error: 'failed to create token' }];
      issuer.issue.mockRejectedValue(new Error('disk full'));
      expect(await failure(admin.create(WS))).toEqual(refused);
      tokens.countLive.mockRejectedValue(new Error('timeout'));
      expect(await failure(admin.create(WS))).toEqual(refused);
      workspaces.exists.mockRejectedValue(new Error('timeout'));
      expect(await failure(admin.create(WS))).toEqual(refused);
    });
  });

  describe('revoke', () => {
    it('revokes a live token of this workspace', async () => {
      tokens.revoke.mockResolvedValue(1);
      await admin.revoke(WS, TOKEN_ID);
      expect(tokens.revoke).toHaveBeenCalledWith(WS, TOKEN_ID);
    });

    it('canonicalises the token id', async () => {
      tokens.revoke.mockResolvedValue(1);
      await admin.revoke(WS, TOKEN_ID.toUpperCase());
      expect(tokens.revoke).toHaveBeenCalledWith(WS, TOKEN_ID);
    });

    it('answers 404 when nothing was revoked', async () => {
      tokens.revoke.mockResolvedValue(0);
      expect(await failure(admin.revoke(WS, TOKEN_ID))).toEqual([
        404,
        { error: 'token not found or already revoked' },
      ]);
    });

    it('answers the same 404 for a malformed token id, without a query', async () => {
      expect(await failure(admin.revoke(WS, 'not-a-uuid'))).toEqual([
        404,
        { error: 'token not found or already revoked' },
      ]);
      expect(tokens.revoke).not.toHaveBeenCalled();
    });

    it('answers 500 on a database error', async () => {
      tokens.revoke.mockRejectedValue(new Error('boom'));
      expect(await failure(admin.revoke(WS, TOKEN_ID))).toEqual([
        500,
        { error: 'failed to revoke token' },
      ]);
    });
  });

  describe('mintTestToken', () => {
    it('mints for any existing workspace, without the live-token cap', async () => {
      workspaces.exists.mockResolvedValue(true);
      tokens.countLive.mockResolvedValue(500);
      issuer.issue.mockResolvedValue('plaintext-token');
      expect(await admin.mintTestToken(WS)).toBe('plaintext-token');
      expect(tokens.countLive).not.toHaveBeenCalled();
    });

    it('answers 404 / 500 lookup failed / 500 token issue failed', async () => {
      workspaces.exists.mockResolvedValue(false);
      expect(await failure(admin.mintTestToken(WS))).toEqual([
        404,
        { error: 'workspace not found' },
      ]);
      workspaces.exists.mockRejectedValue(new Error('boom'));
      expect(await failure(admin.mintTestToken(WS))).toEqual([500, { error: 'lookup failed' }]);
      workspaces.exists.mockResolvedValue(true);
      issuer.issue.mockRejectedValue(new Error('boom'));
      expect(await failure(admin.mintTestToken(WS))).toEqual([
        500,
        { error: 'token issue failed' },
      ]);
    });
  });
});
