import { Logger } from '@nestjs/common';
import { mock, MockProxy } from 'jest-mock-extended';
import { hashToken } from '../../common/auth/token-codec';
import { NewOrgToken, OrgTokenRow, OrgTokensRepository } from './org-tokens.repository';
import { OrgTokensService } from './org-tokens.service';
import { apiFailure as failure } from '../../../test/support/unit';

const TOKEN_ID = '1b2c3d4e-0000-4000-8000-000000000001';
const ORG = '3b0c6a52-8f0e-4d8a-9d35-6c1e7e0f4a21';
const ADMIN = { createdBy: 'admin-token', orgId: null };

describe('OrgTokensService', () => {
  let repo: MockProxy<OrgTokensRepository>;
  let orgTokens: OrgTokensService;
  let logged: unknown[];

  beforeEach(() => {
    logged = [];
    const capture = (...args: unknown[]) => void logged.push(args);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(capture);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(capture);
    repo = mock<OrgTokensRepository>();
    repo.insert.mockResolvedValue(TOKEN_ID);
    orgTokens = new OrgTokensService(repo);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('list', () => {
    it('omits empty optional fields and counts the rows', async () => {
      const created = new Date('2026-04-01T12:00:00Z');
      const used = new Date('2026-04-02T12:00:00Z');
      const rows: OrgTokenRow[] = [
        {
          id: 'b',
          prefix: 'bbbbbbbb',
          name: 'ci',
          org_id: ORG,
          created_by: 'org-token:aaaaaaaa',
          created_at: created,
          last_used_at: used,
        },
        {
          id: 'a',
          prefix: 'aaaaaaaa',
          name: null,
          org_id: null,
          created_by: null,
          created_at: created,
          last_used_at: null,
        },
      ];
      repo.listLive.mockResolvedValue(rows);

      expect(await orgTokens.list()).toEqual({
        tokens: [
          {
            id: 'b',
            prefix: 'bbbbbbbb',
            name: 'ci',
            org_id: ORG,
            created_by: 'org-token:aaaaaaaa',
            created_at: created,
            last_used_at: used,
          },
          { id: 'a', prefix: 'aaaaaaaa', created_at: created },
        ],
        count: 2,
      });
    });

    it('answers 500 when the query fails', async () => {
      repo.listLive.mockRejectedValue(new Error('boom'));
      expect(await failure(orgTokens.list())).toEqual([500, { error: 'failed to list tokens' }]);
    });
  });

  describe('mint', () => {
    it('stores only the hash and prefix, and returns the plaintext once', async () => {
      const minted = await orgTokens.mint('deploy bot', ADMIN);

      expect(minted).toEqual({
        id: TOKEN_ID,
        prefix: minted.auth_token.slice(0, 8),
        name: 'deploy bot',
        auth_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
        warning: 'copy this token now; it will not be shown again',
      });
      const stored: NewOrgToken = repo.insert.mock.calls[0][0];
      expect(stored).toEqual({
        hash: hashToken(minted.auth_token),
        prefix: minted.prefix,
        name: 'deploy bot',
        createdBy: 'admin-token',
        orgId: null,
      });
      expect(JSON.stringify(logged)).not.toContain(minted.auth_token);
    });

    it('passes the provenance through', async () => {
      await orgTokens.mint('', { createdBy: 'org-token:abcdefgh', orgId: ORG });
      expect(repo.insert.mock.calls[0][0]).toMatchObject({
        name: '',
        createdBy: 'org-token:abcdefgh',
        orgId: ORG,
      });
    });

    it('omits an empty name from the answer', async () => {
      expect(await orgTokens.mint('', ADMIN)).not.toHaveProperty('name');
    });

    it('accepts 100 bytes of name and refuses 101 (bytes, not characters)', async () => {
      await expect(orgTokens.mint('n'.repeat(100), ADMIN)).resolves.toBeDefined();
      const refused = [400, { error: 'name too long (max 100 chars)' }];
      expect(await failure(orgTokens.mint('n'.repeat(101), ADMIN))).toEqual(refused);
      expect(await failure(orgTokens.mint('é'.repeat(51), ADMIN))).toEqual(refused);
      expect(repo.insert).toHaveBeenCalledTimes(1);
    });

    it('answers 500 when the insert fails', async () => {
      repo.insert.mockRejectedValue(new Error('boom'));
      expect(await failure(orgTokens.mint('x', ADMIN))).toEqual([
        500,
        { error: 'failed to mint token' },
      ]);
    });
  });

  describe('revoke', () => {
    it('revokes a live token (canonical id)', async () => {
      repo.revoke.mockResolvedValue(true);
      await orgTokens.revoke(TOKEN_ID.toUpperCase());
      expect(repo.revoke).toHaveBeenCalledWith(TOKEN_ID);
    });

    it('answers 404 for an absent, revoked or malformed id', async () => {
      const missing = [404, { error: 'token not found or already revoked' }];
      repo.revoke.mockResolvedValue(false);
      expect(await failure(orgTokens.revoke(TOKEN_ID))).toEqual(missing);
      expect(await failure(orgTokens.revoke('nope'))).toEqual(missing);
      expect(repo.revoke).toHaveBeenCalledTimes(1);
    });

    it('answers 500 on a database error', async () => {
      repo.revoke.mockRejectedValue(new Error('boom'));
      expect(await failure(orgTokens.revoke(TOKEN_ID))).toEqual([
        500,
        { error: 'failed to revoke' },
      ]);
    });
  });
});
