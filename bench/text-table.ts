/** A plain-text table for the benchmark's readable report: the first column left-aligned, the others right-aligned. */
export function table(header: string[], rows: Array<Array<string | number | undefined>>): string {
    const cells = [header, ...rows.map((r) => r.map((c) => (c === undefined ? "-" : String(c))))];
    const widths = header.map((_, i) => Math.max(...cells.map((r) => r[i].length)));
    return cells.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ")).join("\n");
}
