/** The canvas grid (spec 05 §6.8): constants must match the canvas. */
const CHILD_WIDTH = 240;
const CHILD_HEIGHT = 130;
const GUTTER = 14;
const HEADER = 130;
const SIDE = 16;
const COLUMNS = 2;

interface Sized {
  readonly children: readonly Sized[];
}

export interface Size {
  readonly width: number;
  readonly height: number;
}

/** The box a node and its descendants take. */
export function subtreeSize(node: Sized): Size {
  const n = node.children.length;
  if (n === 0) return { width: CHILD_WIDTH, height: CHILD_HEIGHT };
  const sizes = node.children.map(subtreeSize);
  const columns = Math.min(COLUMNS, n);
  const rows = Math.ceil(n / columns);
  const widest = Math.max(...sizes.map((s) => s.width));
  const rowHeights = rowHeightsOf(sizes, columns, rows);
  return {
    width: SIDE * 2 + widest * columns + GUTTER * (columns - 1),
    height: HEADER + rowHeights.reduce((a, b) => a + b, 0) + GUTTER * (rows - 1) + SIDE,
  };
}

/** Where each child sits, relative to its parent's top-left corner. */
export function childSlots(node: Sized): { x: number; y: number }[] {
  const n = node.children.length;
  if (n === 0) return [];
  const sizes = node.children.map(subtreeSize);
  const columns = Math.min(COLUMNS, n);
  const rows = Math.ceil(n / columns);
  const widest = Math.max(...sizes.map((s) => s.width));
  const rowHeights = rowHeightsOf(sizes, columns, rows);
  return sizes.map((_, i) => {
    const column = i % columns;
    const row = Math.floor(i / columns);
    const above = rowHeights.slice(0, row).reduce((sum, h) => sum + h + GUTTER, 0);
    return { x: SIDE + column * (widest + GUTTER), y: HEADER + above };
  });
}

function rowHeightsOf(sizes: readonly Size[], columns: number, rows: number): number[] {
  return Array.from({ length: rows }, (_, r) =>
    Math.max(...sizes.slice(r * columns, r * columns + columns).map((s) => s.height)),
  );
}
