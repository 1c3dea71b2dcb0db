/**
 * One honest verdict from many providers:
 * - a known-benign signal (an OTX allowlist entry, a scanner GreyNoise classifies benign) wins and
 *   caps the verdict at benign, with the outweighed findings kept in the reasons;
 * - benign context (GreyNoise RIOT: who runs the address, not how it behaves) gives benign only
 *   when no provider flags the IoC; AbuseIPDB's whitelist is evidence only, never a verdict
 *   (docs.abuseipdb.com: whitelists give "the benefit of the doubt", the score is the basis for action);
 * - otherwise the strongest provider verdict: malicious > suspicious > unknown;
 * - not found, errors, timeouts and skips say nothing: alone they give `unknown`, never benign.
 * Score 0-100 sits in the verdict's band (malicious 70-100, suspicious 30-69, unknown 0-29,
 * benign 0); inside it, the strongest provider score plus agreement between providers.
 */
import type { ProviderResult, Verdict } from './types';

export interface Aggregate {
	verdict: Verdict;
	score: number;
	reasons: string[];
	summary: Summary;
}

export interface Summary {
	/** Providers a request was sent to or attempted for (not unsupported, not skipped). */
	queried: number;
	ok: number;
	not_found: number;
	/** error + timeout + rate_limited */
	failed: number;
	error: number;
	timeout: number;
	rate_limited: number;
	unsupported: number;
	skipped: number;
	malicious: number;
	suspicious: number;
	benign: number;
}

export interface AggregateOptions {
	/** Whether a known-benign signal outweighs malicious findings (the default). Context never does. */
	knownBenignWins: boolean;
}

const BANDS: Record<Verdict, [number, number]> = {
	malicious: [70, 100],
	suspicious: [30, 69],
	unknown: [0, 29],
	benign: [0, 0],
};

const DEFAULT_STRENGTH: Record<Verdict, number> = {
	malicious: 80,
	suspicious: 45,
	unknown: 0,
	benign: 0,
};

export function summarise(results: readonly ProviderResult[]): Summary {
	const count = (test: (r: ProviderResult) => boolean) => results.filter(test).length;
	const error = count((r) => r.status === 'error');
	const timeout = count((r) => r.status === 'timeout');
	const rate_limited = count((r) => r.status === 'rate_limited');
	return {
		queried: count((r) => r.status !== 'unsupported' && r.status !== 'skipped'),
		ok: count((r) => r.status === 'ok'),
		not_found: count((r) => r.status === 'not_found'),
		failed: error + timeout + rate_limited,
		error,
		timeout,
		rate_limited,
		unsupported: count((r) => r.status === 'unsupported'),
		skipped: count((r) => r.status === 'skipped'),
		malicious: count((r) => r.status === 'ok' && r.verdict === 'malicious'),
		suspicious: count((r) => r.status === 'ok' && r.verdict === 'suspicious'),
		benign: count((r) => r.status === 'ok' && r.verdict === 'benign'),
	};
}

function strength(results: readonly ProviderResult[], verdict: Verdict): number {
	const scores = results.map((r) => r.score ?? DEFAULT_STRENGTH[verdict]);
	return scores.length ? Math.max(...scores) : DEFAULT_STRENGTH[verdict];
}

function clamp(value: number, [low, high]: [number, number]): number {
	return Math.max(low, Math.min(high, Math.round(value)));
}

export function aggregate(
	results: readonly ProviderResult[],
	options: AggregateOptions,
): Aggregate {
	const summary = summarise(results);
	// Only answers count; a provider's verdict on anything but `ok` is unknown by construction.
	const answered = results.filter((r) => r.status === 'ok');
	const malicious = answered.filter((r) => r.verdict === 'malicious');
	const suspicious = answered.filter((r) => r.verdict === 'suspicious');
	const benign = answered.filter((r) => r.verdict === 'benign');
	const sentences = (list: ProviderResult[]) =>
		list.flatMap((r) => (r.reasons.length ? r.reasons : [`${r.name}: ${r.verdict}`]));
	const bad = [...malicious, ...suspicious];
	const known = benign.filter((r) => r.benign_signal === 'known_benign');

	if (benign.length > 0 && bad.length === 0)
		return { verdict: 'benign', score: 0, reasons: sentences(benign), summary };
	if (known.length > 0 && options.knownBenignWins) {
		const reasons = sentences(known);
		reasons.push(...sentences(bad).map((s) => `Outweighed by the known-benign signal: ${s}`));
		return { verdict: 'benign', score: 0, reasons, summary };
	}
	if (malicious.length > 0) {
		const score = strength(malicious, 'malicious') + 10 * (bad.length - 1);
		return {
			verdict: 'malicious',
			score: clamp(score, BANDS.malicious),
			reasons: [...sentences(malicious), ...sentences(suspicious), ...benignNote(benign)],
			summary,
		};
	}
	if (suspicious.length > 0) {
		const score = strength(suspicious, 'suspicious') + 5 * (suspicious.length - 1);
		return {
			verdict: 'suspicious',
			score: clamp(score, BANDS.suspicious),
			reasons: [...sentences(suspicious), ...benignNote(benign)],
			summary,
		};
	}
	return { verdict: 'unknown', score: 0, reasons: [nothingFound(results, summary)], summary };
}

function benignNote(benign: ProviderResult[]): string[] {
	return benign.flatMap((r) =>
		r.reasons.map((s) =>
			r.benign_signal === 'known_benign'
				? `Known-benign signal not applied: ${s}`
				: `Benign context outweighed: ${s}`,
		),
	);
}

function nothingFound(results: readonly ProviderResult[], summary: Summary): string {
	if (results.length === 0) return 'No provider was asked.';
	if (summary.queried === 0) {
		const first = results.find((r) => r.reason_text);
		return first?.reason_text ?? 'No provider supports this IoC type.';
	}
	const parts: string[] = [];
	if (summary.ok) parts.push(`${summary.ok} answered without a verdict`);
	if (summary.not_found) parts.push(`${summary.not_found} not found`);
	if (summary.timeout) parts.push(`${summary.timeout} timed out`);
	if (summary.rate_limited) parts.push(`${summary.rate_limited} rate limited`);
	if (summary.error) parts.push(`${summary.error} failed`);
	if (summary.unsupported) parts.push(`${summary.unsupported} do not support this type`);
	return `No provider reports it as malicious or benign (${parts.join(', ')}); not found is not a statement of trust.`;
}
