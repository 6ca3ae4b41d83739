import { redactSecrets } from './secret-redaction';

/**
 * A memory's content as it is stored, whoever writes it (the memories API, the admin import,
 * the seeds of a workspace create or an org import): secrets redacted and, for a GLOBAL row —
 * which every workspace reads inside the `[MEMORY …]` wrapper below — every opening of that
 * wrapper spoofed away, so no stored text can pass for another memory.
 */
export function storedMemoryContent(content: string, scope: string): string {
  const redacted = redactSecrets(content);
  return scope === 'GLOBAL' ? redacted.replaceAll('[MEMORY ', '[_MEMORY ') : redacted;
}

/** How every reader sees a GLOBAL memory: attributed to its writer. */
export function wrapGlobalMemory(id: string, writerId: string, content: string): string {
  return `[MEMORY id=${id} scope=GLOBAL from=${writerId}]: ${content}`;
}
