import { Lineage } from './ancestry.repository';

/**
 * The hierarchy rule (spec 02 §6): a workspace may talk to itself, its siblings (same
 * parent, or both at the root), and anything above or below it in its own branch. Cousins,
 * uncles and unrelated subtrees may not. Unknown workspaces may not talk at all.
 */
export function canCommunicate(
  callerId: string,
  targetId: string,
  caller: Lineage | undefined,
  target: Lineage | undefined,
): boolean {
  if (callerId === targetId) return true;
  if (!caller || !target) return false;
  if (caller.parentId === target.parentId) return true;
  return target.ancestors.includes(callerId) || caller.ancestors.includes(targetId);
}
