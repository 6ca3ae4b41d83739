import { badRequest } from '../../common/http/api-error';
import { parseUuid } from '../../common/http/uuid';
import { containsNul } from '../../common/text/nul-character';

/** Limits in UTF-8 bytes, as the reference checks them (the columns count characters). */
export const MAX_TITLE_BYTES = 200;
export const MAX_CONTENT_BYTES = 8192;

const INT32_MIN = -2_147_483_648;
const INT32_MAX = 2_147_483_647;

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

const REQUIRED = 'scope, title, and content are required';

/** `POST /instructions` (spec 08 §5): the checks in the contract's order. */
export function parseNewInstruction(body: Record<string, unknown>): NewInstruction {
  const { scope, title, content, scope_target: target, priority } = body;
  if (!isNonEmptyString(scope) || !isNonEmptyString(title) || !isNonEmptyString(content))
    throw badRequest(REQUIRED);
  if (target != null && typeof target !== 'string') throw badRequest(REQUIRED);
  if (priority != null && !isInt32(priority)) throw badRequest(REQUIRED);
  if (containsNul([title, content])) throw badRequest(REQUIRED);
  if (scope !== 'global' && scope !== 'workspace')
    throw badRequest('scope must be global or workspace (team scope not yet supported)');
  let scopeTarget: string | null = null;
  if (scope === 'workspace') {
    // Resolve matches the canonical id, so anything else could never apply.
    scopeTarget = typeof target === 'string' ? parseUuid(target) : null;
    if (!scopeTarget) throw badRequest('scope_target required for workspace scope');
  }
  checkLengths(title, content);
  return { scope, scopeTarget, title, content, priority: (priority as number | null) ?? 0 };
}

/** `PUT /instructions/:id`: each present, non-null field is applied. */
export function parseInstructionChanges(body: Record<string, unknown>): InstructionChanges {
  const { title, content, priority, enabled } = body;
  const invalid = () => badRequest('invalid request');
  if (title != null && typeof title !== 'string') throw invalid();
  if (content != null && typeof content !== 'string') throw invalid();
  if (priority != null && !isInt32(priority)) throw invalid();
  if (enabled != null && typeof enabled !== 'boolean') throw invalid();
  if (containsNul([title, content])) throw invalid();
  checkLengths(title ?? undefined, content ?? undefined);
  return {
    ...(title != null && { title }),
    ...(content != null && { content }),
    ...(priority != null && { priority: priority as number }),
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

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isInt32(value: unknown): boolean {
  return (
    Number.isInteger(value) && (value as number) >= INT32_MIN && (value as number) <= INT32_MAX
  );
}
