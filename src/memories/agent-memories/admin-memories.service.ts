import { Injectable, Logger } from '@nestjs/common';
import { Readable } from 'node:stream';
import { isPlainObject } from '../../common/http/json-body.decorator';
import { badRequest, internalError } from '../../common/http/api-error';
import { jsonText } from '../../common/http/json-text';
import { storedMemoryContent } from '../../common/text/memory-content';
import { redactSecrets } from '../../common/text/secret-redaction';
import { AdminMemoriesRepository, MemoryExportRow } from './admin-memories.repository';
import {
  DEFAULT_NAMESPACE,
  isMemoryScope,
  MAX_CONTENT_BYTES,
  MAX_NAMESPACE_BYTES,
} from './memory-rules';

export interface ImportSummary {
  imported: number;
  skipped: number;
  errors: number;
  total: number;
}

/** What one entry of an import body may hold once checked. */
interface ImportEntry {
  readonly workspaceName: string;
  readonly content: string;
  readonly scope: 'LOCAL' | 'TEAM' | 'GLOBAL';
  readonly namespace: string;
  readonly createdAt: string | null;
}

/**
 * Operator backup of every agent memory (spec 08 §2.7). Import restores entry by entry and
 * counts what happened to each; a bad entry never stops the others.
 */
@Injectable()
export class AdminMemoriesService {
  private readonly logger = new Logger(AdminMemoriesService.name);

  constructor(private readonly memories: AdminMemoriesRepository) {}

  /**
   * The export as a JSON array, streamed batch by batch. A failure before the first batch is
   * `500 export query failed`; a later one breaks the stream off (the array never closes).
   */
  async export(): Promise<Readable> {
    const batches = this.memories.exportBatches();
    let first: IteratorResult<MemoryExportRow[]>;
    try {
      first = await batches.next();
    } catch (err) {
      this.logger.error({ err }, 'memory export failed');
      throw internalError('export query failed');
    }
    return Readable.from(jsonArray(first, batches));
  }

  async import(body: Buffer): Promise<ImportSummary> {
    // Text PostgreSQL cannot store is refused for the whole body, as on every JSON route.
    const text = jsonText(body);
    let entries: unknown;
    try {
      entries = JSON.parse(text);
    } catch {
      throw badRequest('invalid JSON: the body is not valid JSON');
    }
    if (!Array.isArray(entries)) throw badRequest('invalid JSON: expected an array of memories');

    const summary: ImportSummary = { imported: 0, skipped: 0, errors: 0, total: entries.length };
    for (const raw of entries) {
      const entry = importEntry(raw);
      if (!entry) {
        summary.errors++;
        continue;
      }
      try {
        const outcome = await this.memories.importOne(
          entry.workspaceName,
          entry.content,
          entry.scope,
          entry.namespace,
          entry.createdAt,
        );
        if (outcome === 'imported') summary.imported++;
        else summary.skipped++;
      } catch (err) {
        this.logger.warn({ err, workspace: entry.workspaceName }, 'memory import entry failed');
        summary.errors++;
      }
    }
    return summary;
  }
}

/** The entry as it will be stored (redacted, GLOBAL-escaped), or null when it cannot be. */
function importEntry(raw: unknown): ImportEntry | null {
  if (!isPlainObject(raw)) return null;
  const { workspace_name: workspaceName, content, scope, namespace, created_at: createdAt } = raw;
  if (typeof workspaceName !== 'string' || typeof content !== 'string' || content === '')
    return null;
  if (!isMemoryScope(scope)) return null;
  if (namespace != null && typeof namespace !== 'string') return null;
  if (createdAt != null && typeof createdAt !== 'string') return null;
  const ns = namespace || DEFAULT_NAMESPACE;
  if (Buffer.byteLength(ns, 'utf8') > MAX_NAMESPACE_BYTES) return null;
  if (Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES) return null;
  return {
    workspaceName,
    content: storedMemoryContent(content, scope),
    scope,
    namespace: ns,
    createdAt: createdAt || null,
  };
}

async function* jsonArray(
  first: IteratorResult<MemoryExportRow[]>,
  rest: AsyncGenerator<MemoryExportRow[]>,
): AsyncGenerator<string> {
  try {
    yield '[';
    let separator = '';
    for (let batch = first; !batch.done; batch = await rest.next()) {
      let chunk = '';
      for (const row of batch.value) {
        chunk += separator + JSON.stringify({ ...row, content: redactSecrets(row.content) });
        separator = ',';
      }
      yield chunk;
    }
    yield ']';
  } finally {
    // A client that went away stops the stream here: close the cursor and free its connection.
    await rest.return(undefined);
  }
}
