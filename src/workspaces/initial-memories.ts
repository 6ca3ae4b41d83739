import { storedMemoryContent } from '../common/text/memory-content';
import { containsNul } from '../common/text/nul-character';
import { truncateBytes } from '../common/text/truncate';
import { MEMORY_SCOPES, MemoryScope } from '../database/entities';

/** Seeded memories are cut to this many UTF-8 bytes (on a character boundary). */
export const MAX_SEEDED_MEMORY_BYTES = 100_000;

export interface MemorySeed {
  readonly content: string;
  readonly scope: MemoryScope;
}

/**
 * The memories to seed from a create body's `initial_memories` or an org template's
 * `initial_memories` / `global_memories`, `[{content, scope}]` (spec 01 §3.1 step 9, 05 §6.8
 * step 8): scope upper-cased (empty → LOCAL), unknown scopes and empty contents skipped,
 * content cut to 100 000 bytes, then stored as the memories API stores it (redacted, GLOBAL
 * content escaped), so a reader cannot tell a seeded memory from a written one. Entries that
 * are not objects, or hold U+0000, are skipped.
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
    const cut = truncateBytes(content, MAX_SEEDED_MEMORY_BYTES, '');
    seeds.push({ content: storedMemoryContent(cut, upper), scope: upper });
  }
  return seeds;
}
