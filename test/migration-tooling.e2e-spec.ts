import { transformSync } from '@swc/core';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { MIGRATIONS } from '../migrations';
import { ENV_ADMIN_URL, withClient, withDatabase } from './support/pg-admin';

const run = promisify(execFile);
// Each child process compiles the sources it loads on the fly.
jest.setTimeout(60_000);
const SCRIPT = path.join(__dirname, '..', 'scripts', 'migration-create.mjs');
const MIGRATE = path.join(__dirname, '..', 'src', 'database', 'migrate.ts');
const REGISTER = path.join(__dirname, 'support', 'child-server', 'register-swc.js');
const SOURCE = path.join(__dirname, '..', 'migrations');

describe('npm run migration:create', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'molecule-migrations-'));
    fs.cpSync(SOURCE, dir, { recursive: true });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const create = (...args: string[]) => run(process.execPath, [SCRIPT, ...args, `--dir=${dir}`]);

  it('writes a migration class and appends it to the MIGRATIONS list, after the last one', async () => {
    const { stdout } = await create('AddWorkspaceLabels', '1799000000000');
    expect(stdout).toContain('AddWorkspaceLabels1799000000000');

    const file = fs.readFileSync(path.join(dir, '1799000000000-AddWorkspaceLabels.ts'), 'utf8');
    expect(file).toContain('export class AddWorkspaceLabels1799000000000 implements');
    expect(file).toContain("name = 'AddWorkspaceLabels1799000000000';");
    // Valid TypeScript.
    expect(() => transformSync(file, { jsc: { parser: { syntax: 'typescript' } } })).not.toThrow();

    const before = fs.readFileSync(path.join(SOURCE, 'index.ts'), 'utf8');
    const after = fs.readFileSync(path.join(dir, 'index.ts'), 'utf8');
    const last = MIGRATIONS[MIGRATIONS.length - 1].name;
    expect(after).toContain(
      "import { AddWorkspaceLabels1799000000000 } from './1799000000000-AddWorkspaceLabels';",
    );
    expect(after).toMatch(new RegExp(`  ${last},\\n  AddWorkspaceLabels1799000000000,\\n\\];`));
    // Nothing else changed.
    expect(
      after
        .split('\n')
        .filter((l) => !l.includes('AddWorkspaceLabels1799000000000'))
        .join('\n'),
    ).toBe(before);
  });

  it.each([
    [['add_labels', '1799000000000'], 'PascalCase'],
    [['AddLabels', '17990'], '13 digits'],
    [['AddLabels', '1764000000000'], 'exists already'],
  ])('refuses %p', async (args, error) => {
    await expect(create(...args)).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining(error),
    });
    expect(fs.readFileSync(path.join(dir, 'index.ts'), 'utf8')).toBe(
      fs.readFileSync(path.join(SOURCE, 'index.ts'), 'utf8'),
    );
  });
});

describe('npm run migration:run', () => {
  const adminUrl = () => process.env[ENV_ADMIN_URL]!;
  const name = `molecule_migrate_${randomBytes(4).toString('hex')}`;
  afterAll(() =>
    withClient(adminUrl(), (c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)),
  );

  /** The script's entry point (`migrate.ts`, compiled on the fly) in a process of its own. */
  const migrate = () =>
    run(process.execPath, ['-r', REGISTER, MIGRATE], {
      env: { PATH: process.env.PATH, DATABASE_URL: withDatabase(adminUrl(), name) },
    });

  it('applies every pending migration to DATABASE_URL, then none', async () => {
    await withClient(adminUrl(), (c) => c.query(`CREATE DATABASE "${name}"`));

    const first = await migrate();
    expect(first.stdout).toBe(
      `applied ${MIGRATIONS.length} migration(s):\n` +
        MIGRATIONS.map((M) => `  ${new M().name}\n`).join(''),
    );
    const recorded = await withClient(withDatabase(adminUrl(), name), (c) =>
      c.query<{ name: string }>('SELECT name FROM typeorm_migrations ORDER BY id'),
    );
    expect(recorded.rows.map((r) => r.name)).toEqual(MIGRATIONS.map((M) => new M().name));
    expect((await migrate()).stdout).toBe('schema up to date: no pending migration\n');
  });

  it('fails with a message and exit code 1 when the database cannot be reached', async () => {
    await expect(
      run(process.execPath, ['-r', REGISTER, MIGRATE], {
        env: { PATH: process.env.PATH, DATABASE_URL: 'postgres://nobody:x@127.0.0.1:1/none' },
      }),
    ).rejects.toMatchObject({ code: 1, stderr: expect.stringMatching(/^migration failed: /) });
  });
});
