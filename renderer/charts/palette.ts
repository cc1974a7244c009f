/** Series colours that stay distinguishable on light and dark backgrounds. */
export const PALETTE = ['#4d8ff7', '#f0883e', '#3fb950', '#db61a2', '#a371f7', '#e3b341', '#39c5cf', '#f85149', '#8b949e', '#56d364'];
export const colour = (i: number): string => PALETTE[i % PALETTE.length]!;
