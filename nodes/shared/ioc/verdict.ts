import { rawText } from './text';

/** Assemblyline verdicts, lowest first (`highly suspicious` comes from the alert ODM). */
export const VERDICTS = ['safe', 'info', 'suspicious', 'highly suspicious', 'malicious'] as const;
export type KnownVerdict = (typeof VERDICTS)[number];

// A verdict we cannot read ranks with `malicious`: no threshold may skip it as if it were safe.
const UNKNOWN_RANK = VERDICTS.length - 1;
const NO_VERDICT_RANK = -1;
const RANK: ReadonlyMap<string, number> = new Map(VERDICTS.map((verdict, rank) => [verdict, rank]));

/** Known verdicts in their canonical spelling (`Highly_Suspicious` → `highly suspicious`);
 * unknown ones keep their raw text; absent (`undefined`, `null`, `''`) is null. */
export function normaliseVerdict(raw: unknown): string | null {
	if (raw === undefined || raw === null || raw === '') return null;
	const text = rawText(raw);
	if (RANK.has(text)) return text;
	const spelled = text
		.trim()
		.toLowerCase()
		.replace(/[\s_-]+/g, ' ');
	return RANK.has(spelled) ? spelled : text;
}

/** Rank of a normalised verdict: -1 for none, the top rank for unknown text. */
export function verdictRank(verdict: string | null): number {
	if (verdict === null) return NO_VERDICT_RANK;
	return RANK.get(verdict) ?? UNKNOWN_RANK;
}

export function isKnownVerdict(verdict: unknown): verdict is KnownVerdict {
	return typeof verdict === 'string' && RANK.has(verdict);
}
