import { childSlots, subtreeSize } from './org-layout';

const leaf = () => ({ children: [] });
const parent = (...children: { children: unknown[] }[]) => ({ children }) as { children: never[] };

describe('org layout grid', () => {
  it('sizes a leaf as one card', () => {
    expect(subtreeSize(leaf())).toEqual({ width: 240, height: 130 });
  });

  it('sizes a parent of three leaves: two columns, two rows', () => {
    // width 16·2 + 240·2 + 14 = 526; height 130 + 130·2 + 14 + 16 = 420
    expect(subtreeSize(parent(leaf(), leaf(), leaf()))).toEqual({ width: 526, height: 420 });
  });

  it('places children in two columns under the header', () => {
    expect(childSlots(parent(leaf(), leaf(), leaf()))).toEqual([
      { x: 16, y: 130 },
      { x: 270, y: 130 },
      { x: 16, y: 274 },
    ]);
  });

  it('uses the widest subtree and each row’s tallest member', () => {
    const team = parent(leaf(), leaf(), leaf()); // 526 × 420
    const slots = childSlots(parent(team, leaf(), leaf()));
    expect(slots).toEqual([
      { x: 16, y: 130 },
      { x: 16 + 526 + 14, y: 130 },
      { x: 16, y: 130 + 420 + 14 },
    ]);
    expect(childSlots(parent(leaf()))).toEqual([{ x: 16, y: 130 }]);
  });
});
