import { badRequest } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { CreateInstructionDto, UpdateInstructionDto } from './dto/instruction.dto';

/** Limits in UTF-8 bytes, as the reference checks them (the columns count characters). */
export const MAX_TITLE_BYTES = 200;
export const MAX_CONTENT_BYTES = 8192;

export interface NewInstruction {
  readonly scope: 'global' | 'workspace';
  /** NULL for global; the canonical workspace UUID for workspace scope. */
  readonly scopeTarget: string | null;
  readonly title: string;
  readonly content: string;
  readonly priority: number;
}

export interface InstructionChanges {
  readonly title?: string;
  readonly content?: string;
  readonly priority?: number;
  readonly enabled?: boolean;
}

/** `POST /instructions` (spec 08 §5): the checks in the contract's order. */
export function parseNewInstruction(body: CreateInstructionDto): NewInstruction {
  const { scope, title, content, scope_target: target } = body;
  if (!scope || !title || !content) throw badRequest('scope, title, and content are required');
  if (scope !== 'global' && scope !== 'workspace')
    throw badRequest('scope must be global or workspace (team scope not yet supported)');
  let scopeTarget: string | null = null;
  if (scope === 'workspace') {
    // Resolve matches the canonical id, so anything else could never apply.
    scopeTarget = target ? parseUuid(target) : null;
    if (!scopeTarget) throw badRequest('scope_target required for workspace scope');
  }
  checkLengths(title, content);
  return { scope, scopeTarget, title, content, priority: body.priority ?? 0 };
}

/** `PUT /instructions/:id`: each present, non-null field is applied. */
export function parseInstructionChanges(body: UpdateInstructionDto): InstructionChanges {
  const { title, content, priority, enabled } = body;
  checkLengths(title ?? undefined, content ?? undefined);
  return {
    ...(title != null && { title }),
    ...(content != null && { content }),
    ...(priority != null && { priority }),
    ...(enabled != null && { enabled }),
  };
}

/** Content is checked first, as in the reference. */
function checkLengths(title: string | undefined, content: string | undefined): void {
  if (content !== undefined && Buffer.byteLength(content, 'utf8') > MAX_CONTENT_BYTES)
    throw badRequest(`content exceeds ${MAX_CONTENT_BYTES} chars`);
  if (title !== undefined && Buffer.byteLength(title, 'utf8') > MAX_TITLE_BYTES)
    throw badRequest(`title exceeds ${MAX_TITLE_BYTES} chars`);
}
