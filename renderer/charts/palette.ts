/**
 * Series styles that stay distinguishable on light and dark backgrounds. Ten colours alone
 * repeat from the eleventh series (a 28-configuration CDF had three lines of each colour), so a
 * series is a colour and a dash pattern: the first ten solid, the next ten dashed, then dotted,
 * then dash-dot — forty distinct styles before any repeats.
 */
export const PALETTE = ['#4d8ff7', '#f0883e', '#3fb950', '#db61a2', '#a371f7', '#e3b341', '#39c5cf', '#f85149', '#8b949e', '#56d364'];
export const DASHES: readonly (readonly number[])[] = [[], [7, 3], [2, 2.5], [9, 3, 2, 3]];
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;

export interface SeriesStyle {
  colour: string;
  dash: number[];
}

/** The style of series `i`: distinct for the first PALETTE × DASHES series. */
export function seriesStyle(i: number): SeriesStyle {
  return { colour: colour(i), dash: [...DASHES[Math.floor(i / PALETTE.length) % DASHES.length]!] };
}
