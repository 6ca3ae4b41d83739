import { Lineage } from './ancestry.repository';
import { canCommunicate } from './can-communicate';

/**
 * The org chart of the reference's access_test.go, plus a deeper branch:
 *
 *   root-a                      root-b          root-c
 *   ├─ team-1                   └─ team-3
 *   │  ├─ dev-1                    └─ dev-3
 *   │  │  └─ intern-1
 *   │  │     └─ trainee-1
 *   │  └─ dev-2
 *   └─ team-2
 *      └─ dev-4
 */
const PARENTS: Record<string, string | null> = {
  'root-a': null,
  'root-b': null,
  'root-c': null,
  'team-1': 'root-a',
  'team-2': 'root-a',
  'team-3': 'root-b',
  'dev-1': 'team-1',
  'dev-2': 'team-1',
  'dev-3': 'team-3',
  'dev-4': 'team-2',
  'intern-1': 'dev-1',
  'trainee-1': 'intern-1',
};

/** The lineage as `AncestryRepository` builds it: parent first, then upwards. */
function lineage(id: string): Lineage | undefined {
  if (!(id in PARENTS)) return undefined;
  const ancestors: string[] = [];
  for (let p = PARENTS[id]; p !== null; p = PARENTS[p]) ancestors.push(p);
  return { parentId: PARENTS[id], ancestors };
}

const allowed = (caller: string, target: string) =>
  canCommunicate(caller, target, lineage(caller), lineage(target));

describe('canCommunicate (spec 02 §6)', () => {
  it('lets a workspace talk to itself, even one nobody knows', () => {
    expect(allowed('dev-1', 'dev-1')).toBe(true);
    expect(canCommunicate('ghost', 'ghost', undefined, undefined)).toBe(true);
  });

  it('lets siblings under one parent talk, both ways', () => {
    expect(allowed('dev-1', 'dev-2')).toBe(true);
    expect(allowed('dev-2', 'dev-1')).toBe(true);
  });

  it('lets root workspaces talk to each other', () => {
    expect(allowed('root-a', 'root-b')).toBe(true);
    expect(allowed('root-c', 'root-a')).toBe(true);
  });

  it('lets a parent reach its child and the child its parent', () => {
    expect(allowed('team-1', 'dev-1')).toBe(true);
    expect(allowed('dev-1', 'team-1')).toBe(true);
  });

  it('lets a grandparent reach a grandchild and back', () => {
    expect(allowed('root-a', 'dev-1')).toBe(true);
    expect(allowed('dev-1', 'root-a')).toBe(true);
  });

  it('lets a deep descendant reach the root of its branch and back', () => {
    expect(allowed('trainee-1', 'root-a')).toBe(true);
    expect(allowed('root-a', 'trainee-1')).toBe(true);
    expect(allowed('trainee-1', 'team-1')).toBe(true);
  });

  it('denies cousins (children of sibling teams)', () => {
    expect(allowed('dev-1', 'dev-4')).toBe(false);
    expect(allowed('dev-4', 'dev-1')).toBe(false);
  });

  it('denies uncles and nephews', () => {
    expect(allowed('dev-1', 'team-2')).toBe(false);
    expect(allowed('team-2', 'dev-1')).toBe(false);
    expect(allowed('intern-1', 'dev-2')).toBe(false);
  });

  it('denies a child of one root reaching another, unrelated root', () => {
    expect(allowed('team-3', 'root-a')).toBe(false);
    expect(allowed('root-a', 'team-3')).toBe(false);
  });

  it('denies workspaces in unrelated subtrees', () => {
    expect(allowed('dev-1', 'dev-3')).toBe(false);
    expect(allowed('trainee-1', 'team-3')).toBe(false);
  });

  it('denies when the caller or the target is unknown', () => {
    expect(allowed('ghost', 'dev-1')).toBe(false);
    expect(allowed('dev-1', 'ghost')).toBe(false);
    // Two unknown workspaces are not "root siblings".
    expect(allowed('ghost', 'phantom')).toBe(false);
  });
});
