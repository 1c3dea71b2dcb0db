/** Small statistics and formatting helpers for the benchmark table. */

export function median(values: readonly number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	const mid = sorted.length >> 1;
	return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export function summary(values: readonly number[]): { median: number; min: number; max: number } {
	return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** "1,234 (1,100–1,300)": median with min–max. */
export function spread(values: readonly number[], digits = 0): string {
	const s = summary(values);
	return `${num(s.median, digits)} (${num(s.min, digits)}–${num(s.max, digits)})`;
}

export function num(value: number, digits = 0): string {
	return Number.isFinite(value)
		? value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
		: String(value);
}

export const MB = 1024 * 1024;
export const mb = (bytes: number) => bytes / MB;

/** Ratios of paired runs (a[i] / b[i]), for the spread of a ratio measured side by side. */
export function pairedRatios(a: readonly number[], b: readonly number[]): number[] {
	return a.map((value, i) => value / b[i]);
}

/** A plain-text table with aligned columns (also valid Markdown). */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
	const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
	const line = (cells: readonly string[]) => `| ${cells.map((c, i) => (c ?? '').padEnd(widths[i])).join(' | ')} |`;
	return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
