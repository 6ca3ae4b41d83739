import { Injectable, Logger } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { badRequest, forbidden, notFound } from '../../common/http/api-error';
import { orInternalError } from '../../common/http/or-internal-error';
import { parseUuid } from '../../common/http/uuid';
import { containsPattern } from '../../common/text/like-pattern';
import { storedMemoryContent, wrapGlobalMemory } from '../../common/text/memory-content';
import { AgentMemoriesRepository, CommitOutcome, MemoryRow } from './agent-memories.repository';
import { CommitMemoryDto } from './dto/commit-memory.dto';
import { MemorySearch } from './memory-query';
import { isMemoryScope, MAX_CONTENT_BYTES, namespaceOf } from './memory-rules';

/** One memory on the wire (spec 08 §2.4). */
export type MemoryView = MemoryRow;

/**
 * Agent memories (spec 08 §2): commit with the scope rules, search by scope with full-text
 * search, delete one's own. No route here emits an event.
 */
@Injectable()
export class AgentMemoriesService {
  private readonly logger = new Logger(AgentMemoriesService.name);

  constructor(private readonly memories: AgentMemoriesRepository) {}

  async commit(
    workspaceId: string,
    body: CommitMemoryDto,
  ): Promise<{ id: string; scope: string; namespace: string }> {
    const { scope } = body;
    if (!isMemoryScope(scope)) throw badRequest('scope must be LOCAL, TEAM, or GLOBAL');
    const namespace = namespaceOf(body.namespace);
    if (Buffer.byteLength(body.content, 'utf8') > MAX_CONTENT_BYTES)
      throw badRequest(`content exceeds ${MAX_CONTENT_BYTES} bytes`);

    const content = storedMemoryContent(body.content, scope);
    const sha256 = createHash('sha256').update(content).digest('hex');
    const outcome: CommitOutcome = await orInternalError(
      this.memories.commit(workspaceId, content, scope, namespace, sha256),
      'failed to store memory',
      this.logger,
    );
    if (outcome.kind === 'no-workspace') throw notFound('workspace not found');
    if (outcome.kind === 'not-root')
      throw forbidden('only root workspaces can write GLOBAL memories');
    return { id: outcome.id, scope, namespace };
  }

  async search(readerId: string, search: MemorySearch): Promise<MemoryView[]> {
    const rows = await orInternalError(this.find(readerId, search), 'search failed', this.logger);
    return rows.map((row) =>
      row.scope === 'GLOBAL'
        ? { ...row, content: wrapGlobalMemory(row.id, row.workspace_id, row.content) }
        : row,
    );
  }

  async delete(workspaceId: string, memoryId: string): Promise<{ status: 'deleted' }> {
    const id = parseUuid(memoryId);
    const deleted =
      id !== null &&
      (await orInternalError(this.memories.delete(workspaceId, id), 'delete failed', this.logger));
    if (!deleted) throw notFound('memory not found or not owned by this workspace');
    return { status: 'deleted' };
  }

  private find(readerId: string, search: MemorySearch): Promise<MemoryRow[]> {
    const { match } = search;
    return this.memories.search({
      readerId,
      scope: search.scope,
      namespace: search.namespace,
      limit: search.limit,
      match:
        match.mode === 'recent'
          ? match
          : match.mode === 'fts'
            ? { mode: 'fts', text: match.q, pattern: containsPattern(match.q) }
            : { mode: 'substring', pattern: containsPattern(match.q) },
    });
  }
}
