#!/usr/bin/env node
// npm run migration:create -- <PascalCaseName> [timestamp] [--dir=<migrations dir>]
// Writes migrations/<timestamp>-<Name>.ts (a TypeORM migration with empty up/down) and appends
// it to MIGRATIONS in migrations/index.ts, the list the server and migration:run apply in order.
// The timestamp defaults to now (milliseconds); engineers working in parallel use their range.
import * as fs from 'node:fs';
import * as path from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

const DEFAULT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'migrations');

export function createMigration(name, timestamp = Date.now(), dir = DEFAULT_DIR) {
  if (!/^[A-Z][A-Za-z0-9]*$/.test(name ?? '')) {
    throw new Error('the name must be PascalCase letters and digits, e.g. AddWorkspaceLabels');
  }
  const stamp = String(timestamp).trim();
  if (!/^\d{13}$/.test(stamp)) throw new Error('the timestamp must be 13 digits (milliseconds)');
  const className = `${name}${stamp}`;
  const file = path.join(dir, `${stamp}-${name}.ts`);
  const index = path.join(dir, 'index.ts');
  if (fs.readdirSync(dir).some((f) => f.startsWith(`${stamp}-`))) {
    throw new Error(`a migration with timestamp ${stamp} exists already`);
  }
  const list = fs.readFileSync(index, 'utf8');
  const anchor = /export const MIGRATIONS = \[\n([\s\S]*?)\];/.exec(list);
  if (!anchor) throw new Error(`${index} has no MIGRATIONS list to append to`);
  const last = [...list.matchAll(/^import .* from '\.\/\d{13}-\w+';$/gm)].pop();
  if (!last) throw new Error(`${index} imports no migration to append after`);

  fs.writeFileSync(
    file,
    `import { MigrationInterface, QueryRunner } from 'typeorm';

/** What this migration changes, and why. */
export class ${className} implements MigrationInterface {
  name = '${className}';

  async up(db: QueryRunner): Promise<void> {
    await db.query(\`\`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(\`\`);
  }
}
`,
  );
  const importLine = `import { ${className} } from './${stamp}-${name}';`;
  const at = last.index + last[0].length;
  const withImport = `${list.slice(0, at)}\n${importLine}${list.slice(at)}`;
  const updated = withImport.replace(
    /export const MIGRATIONS = \[\n([\s\S]*?)\];/,
    (_all, body) => `export const MIGRATIONS = [\n${body}  ${className},\n];`,
  );
  fs.writeFileSync(index, updated);
  return { file, className };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const dir = args.find((a) => a.startsWith('--dir='))?.slice('--dir='.length) ?? DEFAULT_DIR;
  const [name, timestamp] = args.filter((a) => !a.startsWith('--'));
  try {
    const { file, className } = createMigration(name, timestamp ?? Date.now(), dir);
    process.stdout.write(
      `created ${path.relative(process.cwd(), file)} (${className}), listed in migrations/index.ts\n`,
    );
  } catch (err) {
    process.stderr.write(
      `migration:create: ${err.message}\nusage: npm run migration:create -- <PascalCaseName> [timestamp]\n`,
    );
    process.exit(1);
  }
}
