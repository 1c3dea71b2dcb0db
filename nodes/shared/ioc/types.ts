/** Assemblyline's words for the network IoCs a firewall can block (see vocabulary.ts). */
export type NetworkType = 'ip' | 'domain' | 'uri';

/** The threat-intel words for the IoCs IoC Enrich looks up (see vocabulary.ts for the map). */
export type IocType = 'ipv4' | 'ipv6' | 'domain' | 'url' | 'md5' | 'sha1' | 'sha256';

/** Stable machine codes for why an IoC is held back (see reasons.ts for precedence). */
export type ReasonCode =
	| 'invalid'
	| 'allowlisted'
	| 'safelisted'
	| 'non_global_ip'
	| 'special_use_domain'
	| 'public_suffix'
	| 'unsupported_type'
	| 'no_verdict'
	| 'below_threshold'
	| 'already_blocked'
	| 'over_cap'
	| 'not_exportable';

export interface IocSource {
	alert_id?: string;
	sid?: string;
}

/** One sighting of an IoC, as extracted from one input item. */
export interface IocOccurrence {
	/** Raw value, untrusted: anything JSON can hold. */
	value: unknown;
	/** `ip` | `domain` | `uri` | another word (`email`, `md5`…) | undefined to detect. */
	type?: string;
	tag_type?: string | null;
	verdict?: unknown;
	safelisted?: boolean;
	classification?: string;
	source?: IocSource;
	/** Index of the n8n input item, for pairedItem. */
	itemIndex?: number;
	/** A merged IoC read back (an IocItem as input): how many sightings it stands for (default 1),
	 * and its other sources, tag types and classifications, so merging it again loses nothing. */
	count?: number;
	sources?: readonly IocSource[];
	tag_types?: readonly string[];
	classifications?: readonly string[];
}

/** A merged IoC: one per (type, normalised value) in a call. */
export interface IocItem {
	/** `ip` | `domain` | `uri`, the declared word for other types, or `unknown`. */
	type: string;
	value: string;
	original: string;
	/** Every distinct raw value merged into this IoC, first-seen order, when there is more than
	 * one (capped at ORIGINALS_CAP; `originals_more` counts the rest), so each spelling
	 * Assemblyline showed can still be searched for. */
	originals?: string[];
	originals_more?: number;
	verdict: string | null;
	tag_type: string | null;
	tag_types: string[];
	safelisted: boolean;
	classification?: string;
	/** Every classification seen, first-seen order; only present when occurrences disagree,
	 * so the analyst sees the conflict (classification strings are opaque, never ranked). */
	classifications?: string[];
	sources: IocSource[];
	occurrences: number;
	/** Input item indexes (for pairedItem); the node strips this from its output json. */
	itemIndexes?: number[];
}

export interface SkippedIoc extends IocItem {
	reason: ReasonCode;
	reason_text: string;
}

export interface FilterResult {
	block: IocItem[];
	skipped: SkippedIoc[];
}
