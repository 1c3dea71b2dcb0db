import type { ReasonCode } from './types';

/** The one place that orders the reasons: when several apply, the first one listed is given.
 * A value that does not parse cannot be matched against anything; the user's allowlist (own
 * assets) wins over every other signal; Assemblyline's safelist next; then the network rules,
 * the type, and last the verdict. `already_blocked` (cross-run dedup, done by the node) and
 * `over_cap` are applied afterwards, to what is still on Block; `not_exportable` last, by the
 * exporters, to an item their re-check refuses (edited between nodes, or a bug). */
export const REASON_PRECEDENCE: readonly ReasonCode[] = [
	'invalid',
	'allowlisted',
	'safelisted',
	'non_global_ip',
	'special_use_domain',
	'public_suffix',
	'unsupported_type',
	'no_verdict',
	'below_threshold',
	'already_blocked',
	'over_cap',
	'not_exportable',
];

/** Sentences for reasons whose text does not depend on the IoC. */
export const REASON_TEXT: Readonly<Partial<Record<ReasonCode, string>>> = {
	safelisted: 'Assemblyline marked this value as safelisted.',
	no_verdict:
		'No verdict came with this IoC, and the filter is set to skip IoCs without a verdict.',
	already_blocked: 'Already sent to Block by an earlier run.',
};
