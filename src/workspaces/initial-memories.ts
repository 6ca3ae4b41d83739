import { truncateBytes } from '../common/text/truncate';
import { containsNul } from '../common/text/nul-character';
import { redactSecrets } from '../common/text/secret-redaction';
import { MEMORY_SCOPES, MemoryScope } from '../database/entities';

/** Seeded memories are cut to this many UTF-8 bytes (on a character boundary). */
export const MAX_SEEDED_MEMORY_BYTES = 100_000;

export interface MemorySeed {
  readonly content: string;
  readonly scope: MemoryScope;
}

/**
 * The memories to seed from a create or import body's `[{content, scope}]` (spec 01 §3.1 step
 * 9): scope upper-cased (empty → LOCAL), unknown scopes and empty contents skipped, content cut
 * to 100 000 bytes and redacted. Entries that are not objects, or hold U+0000, are skipped.
 */
export function memorySeeds(list: readonly unknown[] | undefined): MemorySeed[] {
  const seeds: MemorySeed[] = [];
  for (const entry of list ?? []) {
    if (typeof entry !== 'object' || entry === null || containsNul(entry)) continue;
    const { content, scope } = entry as { content?: unknown; scope?: unknown };
    if (typeof content !== 'string' || content === '') continue;
    if (scope != null && typeof scope !== 'string') continue;
    const upper = (scope || 'LOCAL').toUpperCase() as MemoryScope;
    if (!MEMORY_SCOPES.includes(upper)) continue;
    seeds.push({
      content: redactSecrets(truncateBytes(content, MAX_SEEDED_MEMORY_BYTES, '')),
      scope: upper,
    });
  }
  return seeds;
}
