// Scroll geometry for a table of fixed-height rows that may be far taller than a browser lets an
// element be. Chromium and WebKitGTK clamp layout heights near 2^25 px (33,554,431), and 1M rows
// of 32 px already need 32M px, so the scrollable spacer is capped at SPACER_CAP and the scroll
// position maps linearly onto the real content. The mapping is exact at both ends (scrollTop 0 is
// row 0 at the top; the largest scrollTop puts the last row's bottom on the viewport's bottom),
// so the last row is reachable and fully visible. Pure functions: no DOM, tested through the UI.

/** Well under every engine's clamp, and small enough that one wheel notch still moves a few rows. */
export const SPACER_CAP = 8_000_000;

export interface ScrollGeometry {
  /** rows in the data set */
  count: number;
  rowHeight: number;
  /** height of the rows' viewport (the scroll container minus a sticky header) */
  viewport: number;
  /** the spacer's height cap, SPACER_CAP unless a test wants a smaller one */
  cap?: number;
}

/** Height of the real content if nothing capped it. */
export function contentHeight(g: ScrollGeometry): number {
  return g.count * g.rowHeight;
}

/** Height to give the spacer element. */
export function spacerHeight(g: ScrollGeometry): number {
  return Math.min(contentHeight(g), g.cap ?? SPACER_CAP);
}

/** Largest real offset: the last row's bottom on the viewport's bottom. */
export function maxOffset(g: ScrollGeometry): number {
  return Math.max(0, contentHeight(g) - g.viewport);
}

/** Largest scrollTop the container allows. */
export function maxScrollTop(g: ScrollGeometry): number {
  return Math.max(0, spacerHeight(g) - g.viewport);
}

/** Real content offset (px from row 0's top to the viewport's top) for a scrollTop. */
export function offsetForScrollTop(g: ScrollGeometry, scrollTop: number): number {
  const maxScroll = maxScrollTop(g);
  const maxOff = maxOffset(g);
  if (maxScroll <= 0) return 0;
  if (maxScroll === maxOff) return clamp(scrollTop, 0, maxOff); // not scaled: exact
  const clamped = clamp(scrollTop, 0, maxScroll);
  // The ends are exact so that Home shows row 0 and End or a drag to the bottom shows the last row.
  if (clamped >= maxScroll - 0.5) return maxOff;
  if (clamped <= 0) return 0;
  return (clamped / maxScroll) * maxOff;
}

/** scrollTop that shows the real offset (the inverse of offsetForScrollTop). */
export function scrollTopForOffset(g: ScrollGeometry, offset: number): number {
  const maxScroll = maxScrollTop(g);
  const maxOff = maxOffset(g);
  if (maxOff <= 0) return 0;
  return (clamp(offset, 0, maxOff) / maxOff) * maxScroll;
}

/** The smallest change of offset that brings row `index` fully into view. */
export function offsetToReveal(g: ScrollGeometry, offset: number, index: number): number {
  const top = index * g.rowHeight;
  const bottom = top + g.rowHeight;
  if (top < offset) return top;
  if (bottom > offset + g.viewport) return Math.min(maxOffset(g), bottom - g.viewport);
  return offset;
}

export interface VisibleRange {
  /** first and one-past-last row to render, overscan included */
  start: number;
  end: number;
}

export function visibleRange(g: ScrollGeometry, offset: number, overscan: number): VisibleRange {
  if (g.count === 0 || g.rowHeight <= 0) return { start: 0, end: 0 };
  const first = Math.floor(offset / g.rowHeight);
  const last = Math.ceil((offset + g.viewport) / g.rowHeight);
  return { start: Math.max(0, first - overscan), end: Math.min(g.count, last + overscan) };
}

/** Rows a PageUp/PageDown moves: a full viewport less one row of context. */
export function pageRows(g: ScrollGeometry): number {
  return Math.max(1, Math.floor(g.viewport / g.rowHeight) - 1);
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}
