import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { mock, MockProxy } from 'jest-mock-extended';
import { SecretCipher } from '../../common/crypto/secret-cipher';
import { ApiError } from '../../common/http/api-error';
import { RestartRequests } from '../lifecycle/restart-requests';
import { SecretMetaRow, SecretValueRow, SecretsRepository } from './secrets.repository';
import { SecretsService } from './secrets.service';

const WS = '6f1c2a8e-3b4d-4e5f-8a9b-0c1d2e3f4a5b';
const T1 = new Date('2026-04-01T12:00:00.123Z');
const T2 = new Date('2026-04-02T08:30:00.000Z');

/** Fire-and-forget work (the global restart lookup) settles within one macrotask. */
const flush = () => new Promise((resolve) => setImmediate(resolve));

const meta = (key: string): SecretMetaRow => ({ key, created_at: T1, updated_at: T2 });
const plain = (key: string, value: string): SecretValueRow => ({
  key,
  encrypted_value: Buffer.from(value),
  encryption_version: 0,
});
const sealedRow = (key: string, value: string, version = 1): SecretValueRow => ({
  key,
  encrypted_value: Buffer.from(`sealed:${value}`),
  encryption_version: version,
});

async function rejection(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('SecretsService', () => {
  let repository: MockProxy<SecretsRepository>;
  let cipher: MockProxy<SecretCipher>;
  let restarts: MockProxy<RestartRequests>;
  let service: SecretsService;
  let logged: string[];

  beforeEach(async () => {
    repository = mock<SecretsRepository>();
    cipher = mock<SecretCipher>({ currentVersion: 1 });
    // A stand-in cipher: version 1 means "prefixed with sealed:", version 0 is plaintext.
    cipher.encrypt.mockImplementation((text) => Buffer.from(`sealed:${String(text)}`));
    cipher.decryptVersioned.mockImplementation((bytes, version) => {
      if (version === 0) return bytes;
      if (version === 1 && bytes.toString().startsWith('sealed:')) return bytes.subarray(7);
      throw new Error(`unknown encryption_version=${version}; platform upgrade required`);
    });
    restarts = mock<RestartRequests>();
    logged = [];
    jest.spyOn(Logger.prototype, 'error').mockImplementation((...args: unknown[]) => {
      logged.push(
        JSON.stringify(args[0], (_k, v: unknown) => (v instanceof Error ? v.message : v)),
      );
    });

    const moduleRef = await Test.createTestingModule({
      providers: [
        SecretsService,
        { provide: SecretsRepository, useValue: repository },
        { provide: SecretCipher, useValue: cipher },
        { provide: RestartRequests, useValue: restarts },
      ],
    }).compile();
    service = moduleRef.get(SecretsService);
  });

  afterEach(() => jest.restoreAllMocks());

  describe('list', () => {
    it('puts own keys first, then the globals not overridden, each group by key', async () => {
      repository.workspaceMeta.mockResolvedValue([meta('B_KEY'), meta('Z_KEY')]);
      repository.globalMeta.mockResolvedValue([meta('A_KEY'), meta('B_KEY'), meta('C_KEY')]);

      const items = await service.list(WS);

      expect(items.map((i) => `${i.scope}:${i.key}`)).toEqual([
        'workspace:B_KEY',
        'workspace:Z_KEY',
        'global:A_KEY',
        'global:C_KEY',
      ]);
      expect(items[0]).toEqual({
        key: 'B_KEY',
        has_value: true,
        scope: 'workspace',
        created_at: T1,
        updated_at: T2,
      });
      expect(repository.workspaceMeta).toHaveBeenCalledWith(WS);
    });

    it('is empty when nothing is set', async () => {
      repository.workspaceMeta.mockResolvedValue([]);
      repository.globalMeta.mockResolvedValue([]);
      expect(await service.list(WS)).toEqual([]);
    });

    it('answers 500 query failed when the workspace query fails', async () => {
      repository.workspaceMeta.mockRejectedValue(new Error('connection reset'));
      repository.globalMeta.mockResolvedValue([meta('A_KEY')]);
      const error = await rejection(service.list(WS));
      expect(error.status).toBe(500);
      expect(error.body).toEqual({ error: 'query failed' });
    });

    it('still lists own keys when the global query fails', async () => {
      repository.workspaceMeta.mockResolvedValue([meta('OWN')]);
      repository.globalMeta.mockRejectedValue(new Error('boom'));
      expect((await service.list(WS)).map((i) => i.key)).toEqual(['OWN']);
    });
  });

  describe('set', () => {
    it('stores the sealed bytes with the current version and requests a restart', async () => {
      repository.upsertWorkspace.mockResolvedValue(true);

      await service.set(WS, 'API_KEY', 'sk-1');

      expect(cipher.encrypt).toHaveBeenCalledWith('sk-1');
      expect(repository.upsertWorkspace).toHaveBeenCalledWith(WS, 'API_KEY', {
        bytes: Buffer.from('sealed:sk-1'),
        version: 1,
      });
      expect(restarts.request).toHaveBeenCalledWith([WS], 'workspace secret changed');
    });

    it('writes version 0 when no key is configured', async () => {
      Object.defineProperty(cipher, 'currentVersion', { value: 0 });
      repository.upsertWorkspace.mockResolvedValue(true);
      await service.set(WS, 'K', 'v');
      expect(repository.upsertWorkspace.mock.calls[0][2].version).toBe(0);
    });

    it('answers 404 workspace not found for an unknown workspace, without a restart', async () => {
      repository.upsertWorkspace.mockResolvedValue(false);
      const error = await rejection(service.set(WS, 'K', 'v'));
      expect([error.status, error.body]).toEqual([404, { error: 'workspace not found' }]);
      expect(restarts.request).not.toHaveBeenCalled();
    });

    it('answers 500 failed to encrypt secret when sealing fails', async () => {
      cipher.encrypt.mockImplementation(() => {
        throw new Error('entropy');
      });
      const error = await rejection(service.set(WS, 'K', 'v'));
      expect([error.status, error.body]).toEqual([500, { error: 'failed to encrypt secret' }]);
      expect(repository.upsertWorkspace).not.toHaveBeenCalled();
    });

    it('answers 500 failed to save secret on a database error, without a restart', async () => {
      repository.upsertWorkspace.mockRejectedValue(new Error('disk full'));
      const error = await rejection(service.set(WS, 'K', 'hunter2'));
      expect([error.status, error.body]).toEqual([500, { error: 'failed to save secret' }]);
      expect(restarts.request).not.toHaveBeenCalled();
      expect(logged.join('\n')).not.toContain('hunter2');
    });
  });

  describe('remove', () => {
    it('deletes and requests a restart', async () => {
      repository.deleteWorkspace.mockResolvedValue(true);
      await service.remove(WS, 'K');
      expect(repository.deleteWorkspace).toHaveBeenCalledWith(WS, 'K');
      expect(restarts.request).toHaveBeenCalledWith([WS], 'workspace secret changed');
    });

    it('answers 404 secret not found when nothing was deleted', async () => {
      repository.deleteWorkspace.mockResolvedValue(false);
      const error = await rejection(service.remove(WS, 'K'));
      expect([error.status, error.body]).toEqual([404, { error: 'secret not found' }]);
      expect(restarts.request).not.toHaveBeenCalled();
    });

    it('answers 500 failed to delete secret on a database error', async () => {
      repository.deleteWorkspace.mockRejectedValue(new Error('x'));
      const error = await rejection(service.remove(WS, 'K'));
      expect([error.status, error.body]).toEqual([500, { error: 'failed to delete secret' }]);
    });
  });

  describe('bundle', () => {
    it('merges globals and own values, the workspace winning', async () => {
      repository.globalValues.mockResolvedValue([plain('SHARED', 'global'), plain('G', 'g')]);
      repository.workspaceValues.mockResolvedValue([sealedRow('SHARED', 'mine')]);

      expect(await service.bundle(WS)).toEqual({ SHARED: 'mine', G: 'g' });
      expect(repository.workspaceValues).toHaveBeenCalledWith(WS);
    });

    it('keeps a __proto__ key as an ordinary property', async () => {
      repository.globalValues.mockResolvedValue([plain('__proto__', 'p')]);
      repository.workspaceValues.mockResolvedValue([]);
      expect(JSON.stringify(await service.bundle(WS))).toBe('{"__proto__":"p"}');
    });

    it('refuses a partial bundle and names every failing key, globals first', async () => {
      repository.globalValues.mockResolvedValue([sealedRow('G_BAD', 'x', 7), plain('G_OK', 'y')]);
      repository.workspaceValues.mockResolvedValue([
        { key: 'W_BAD', encrypted_value: Buffer.from('garbage'), encryption_version: 1 },
      ]);

      const error = await rejection(service.bundle(WS));

      expect(error.status).toBe(500);
      expect(error.body).toEqual({
        error: 'one or more secrets failed to decrypt; refusing to return partial bundle',
        failed_keys: ['global:G_BAD', 'workspace:W_BAD'],
      });
    });

    it.each([
      ['global', 'globalValues'],
      ['workspace', 'workspaceValues'],
    ] as const)(
      'answers 500 failed to read secrets when the %s query fails',
      async (_, failing) => {
        repository.globalValues.mockResolvedValue([plain('G', 'g')]);
        repository.workspaceValues.mockResolvedValue([plain('W', 'w')]);
        repository[failing].mockRejectedValue(new Error('timeout'));

        const error = await rejection(service.bundle(WS));

        expect([error.status, error.body]).toEqual([500, { error: 'failed to read secrets' }]);
      },
    );
  });

  describe('decryptAll', () => {
    it('reports the cipher message of each failure for the provisioner', async () => {
      repository.globalValues.mockResolvedValue([sealedRow('G', 'x', 9)]);
      repository.workspaceValues.mockResolvedValue([plain('W', 'w')]);

      const result = await service.decryptAll(WS);

      expect(Object.fromEntries(result.values)).toEqual({ W: 'w' });
      expect(result.failures).toEqual([
        {
          scope: 'global',
          key: 'G',
          error: 'unknown encryption_version=9; platform upgrade required',
        },
      ]);
    });
  });

  describe('model', () => {
    it('is the default when no override is stored', async () => {
      repository.workspaceValue.mockResolvedValue(undefined);
      expect(await service.model(WS)).toEqual({ model: '', source: 'default' });
      expect(repository.workspaceValue).toHaveBeenCalledWith(WS, 'MODEL_PROVIDER');
    });

    it('decrypts the stored override', async () => {
      repository.workspaceValue.mockResolvedValue(sealedRow('MODEL_PROVIDER', 'anthropic:claude'));
      expect(await service.model(WS)).toEqual({
        model: 'anthropic:claude',
        source: 'workspace_secrets',
      });
    });

    it('answers 500 failed to decrypt when the override cannot be read', async () => {
      repository.workspaceValue.mockResolvedValue(sealedRow('MODEL_PROVIDER', 'm', 7));
      const error = await rejection(service.model(WS));
      expect([error.status, error.body]).toEqual([500, { error: 'failed to decrypt' }]);
    });

    it('answers 500 query failed on a database error', async () => {
      repository.workspaceValue.mockRejectedValue(new Error('x'));
      const error = await rejection(service.model(WS));
      expect([error.status, error.body]).toEqual([500, { error: 'query failed' }]);
    });
  });

  describe('setModel', () => {
    it('saves the override as MODEL_PROVIDER and requests a restart', async () => {
      repository.upsertWorkspace.mockResolvedValue(true);
      expect(await service.setModel(WS, 'openai:gpt-4o')).toBe('saved');
      expect(repository.upsertWorkspace).toHaveBeenCalledWith(WS, 'MODEL_PROVIDER', {
        bytes: Buffer.from('sealed:openai:gpt-4o'),
        version: 1,
      });
      expect(restarts.request).toHaveBeenCalledWith([WS], 'model changed');
    });

    it('clears the override on an empty model and requests a restart', async () => {
      repository.deleteWorkspace.mockResolvedValue(false);
      expect(await service.setModel(WS, '')).toBe('cleared');
      expect(repository.deleteWorkspace).toHaveBeenCalledWith(WS, 'MODEL_PROVIDER');
      expect(repository.upsertWorkspace).not.toHaveBeenCalled();
      expect(restarts.request).toHaveBeenCalledWith([WS], 'model changed');
    });

    it.each([
      ['clear', '', 'deleteWorkspace', 'failed to clear model'],
      ['save', 'm', 'upsertWorkspace', 'failed to save model'],
    ] as const)('answers 500 when the %s fails', async (_, model, method, message) => {
      repository[method].mockRejectedValue(new Error('x'));
      const error = await rejection(service.setModel(WS, model));
      expect([error.status, error.body]).toEqual([500, { error: message }]);
      expect(restarts.request).not.toHaveBeenCalled();
    });

    it('answers 500 failed to encrypt model when sealing fails', async () => {
      cipher.encrypt.mockImplementation(() => {
        throw new Error('x');
      });
      const error = await rejection(service.setModel(WS, 'm'));
      expect([error.status, error.body]).toEqual([500, { error: 'failed to encrypt model' }]);
    });

    it('answers 404 workspace not found for an unknown workspace', async () => {
      repository.upsertWorkspace.mockResolvedValue(false);
      const error = await rejection(service.setModel(WS, 'm'));
      expect([error.status, error.body]).toEqual([404, { error: 'workspace not found' }]);
      expect(restarts.request).not.toHaveBeenCalled();
    });
  });

  describe('global secrets', () => {
    const inheriting = ['11111111-1111-4111-8111-111111111111', WS];

    it('lists globals by key with scope global', async () => {
      repository.globalMeta.mockResolvedValue([meta('A'), meta('B')]);
      expect(await service.listGlobal()).toEqual([
        { key: 'A', has_value: true, scope: 'global', created_at: T1, updated_at: T2 },
        { key: 'B', has_value: true, scope: 'global', created_at: T1, updated_at: T2 },
      ]);
    });

    it('answers 500 query failed when listing fails', async () => {
      repository.globalMeta.mockRejectedValue(new Error('x'));
      const error = await rejection(service.listGlobal());
      expect([error.status, error.body]).toEqual([500, { error: 'query failed' }]);
    });

    it('set restarts every workspace that inherits the key', async () => {
      repository.workspacesInheriting.mockResolvedValue(inheriting);

      await service.setGlobal('OPENAI_API_KEY', 'sk');
      await flush();

      expect(repository.upsertGlobal).toHaveBeenCalledWith('OPENAI_API_KEY', {
        bytes: Buffer.from('sealed:sk'),
        version: 1,
      });
      expect(repository.workspacesInheriting).toHaveBeenCalledWith('OPENAI_API_KEY');
      expect(restarts.request).toHaveBeenCalledWith(inheriting, 'global secret changed');
    });

    it('delete restarts every workspace that inherited the key', async () => {
      repository.deleteGlobal.mockResolvedValue(true);
      repository.workspacesInheriting.mockResolvedValue(inheriting);

      await service.removeGlobal('OPENAI_API_KEY');
      await flush();

      expect(repository.workspacesInheriting).toHaveBeenCalledWith('OPENAI_API_KEY');
      expect(restarts.request).toHaveBeenCalledWith(inheriting, 'global secret changed');
    });

    it('does not fail the change when the restart lookup fails', async () => {
      repository.workspacesInheriting.mockRejectedValue(new Error('lost connection'));
      await expect(service.setGlobal('K', 'v')).resolves.toBeUndefined();
      await flush();
      expect(restarts.request).not.toHaveBeenCalled();
      expect(logged.join('\n')).toContain('lost connection');
    });

    it('answers the set errors with their canned messages and restarts nothing', async () => {
      repository.upsertGlobal.mockRejectedValue(new Error('x'));
      const saveError = await rejection(service.setGlobal('K', 'v'));
      expect([saveError.status, saveError.body]).toEqual([500, { error: 'failed to save' }]);

      cipher.encrypt.mockImplementation(() => {
        throw new Error('x');
      });
      const sealError = await rejection(service.setGlobal('K', 'v'));
      expect([sealError.status, sealError.body]).toEqual([500, { error: 'failed to encrypt' }]);

      await flush();
      expect(repository.workspacesInheriting).not.toHaveBeenCalled();
    });

    it('answers delete errors: 404 secret not found, 500 failed to delete', async () => {
      repository.deleteGlobal.mockResolvedValueOnce(false);
      const missing = await rejection(service.removeGlobal('K'));
      expect([missing.status, missing.body]).toEqual([404, { error: 'secret not found' }]);

      repository.deleteGlobal.mockRejectedValueOnce(new Error('x'));
      const failed = await rejection(service.removeGlobal('K'));
      expect([failed.status, failed.body]).toEqual([500, { error: 'failed to delete' }]);

      await flush();
      expect(repository.workspacesInheriting).not.toHaveBeenCalled();
    });
  });
});
