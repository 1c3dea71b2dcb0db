import type { Allowlist } from './allowlist';
import { parseNetworkValue, typeFromWord, type ParsedIoc } from './parse';
import { quote, rawText } from './text';
import type { NetworkType, ReasonCode } from './types';

/** The reasons that depend on the value alone (not on verdicts, history or the cap), in
 * REASON_PRECEDENCE order. */
export type ValueReason = Extract<
	ReasonCode,
	| 'invalid'
	| 'allowlisted'
	| 'non_global_ip'
	| 'special_use_domain'
	| 'public_suffix'
	| 'unsupported_type'
>;

export type Blockable =
	/** `value` is what goes on a blocklist; `checkBlockable(type, value)` gives it back unchanged. */
	| { ok: true; type: NetworkType; value: string; ioc: ParsedIoc }
	/** `type` and `value` are normalised when the value parsed (so held-back spellings of one IoC
	 * merge), the type word and the raw text otherwise. */
	| {
			ok: false;
			reason: ValueReason;
			text: string;
			type: string;
			value: string;
			ioc: ParsedIoc | null;
	  };

const NETWORK_TYPES: ReadonlySet<string | undefined> = new Set(['ip', 'domain', 'uri', undefined]);

function invalid(value: string, declared: NetworkType | undefined, problem: string): Blockable {
	return {
		ok: false,
		reason: 'invalid',
		text: `${quote(value)} ${problem}.`,
		type: declared ?? 'unknown',
		value,
		ioc: null,
	};
}

/**
 * The one definition of "blockable": refang, strict parse, normalise, then the allowlist and the
 * network hold-back rules. The Filter decides with it, the exporters re-check with it, and any
 * later step that puts IoCs on a list must call it too, so a value one accepts every other accepts.
 *
 * `type` is any type word (`ip`, `url`, `network.static.domain`…) or undefined to detect.
 * A value is only accepted when its normalised form is a fixed point: parsing that form again
 * with its type gives the same value, with the same (absent) hold. Refanging and IDN mapping can
 * combine into a form that parses differently the second time (`https://аco.uk(dot)．` once
 * became `https://xn--co-6kc.uk./`, whose re-parse drops the dot); such a value is invalid
 * here rather than accepted by one step and refused by the next.
 */
export function checkBlockable(type: unknown, value: unknown, allowlist?: Allowlist): Blockable {
	const word = typeFromWord(type);
	if (typeof value !== 'string') {
		const text = rawText(value);
		const problem =
			value === undefined || value === null
				? 'is missing'
				: `is not a text value (got ${Array.isArray(value) ? 'an array' : typeof value})`;
		return {
			ok: false,
			reason: 'invalid',
			text: `${quote(text)} ${problem}.`,
			type: word ?? 'unknown',
			value: text,
			ioc: null,
		};
	}
	if (!NETWORK_TYPES.has(word)) {
		const text = `A ${word} IoC cannot go on a firewall blocklist: only IP addresses, domains and URLs can.`;
		return { ok: false, reason: 'unsupported_type', text, type: word as string, value, ioc: null };
	}
	const declared = word as NetworkType | undefined;
	const first = parseNetworkValue(value, declared);
	if (!first.ok) return invalid(value, declared, first.problem);
	let ioc = first.ioc;
	if (ioc.value !== value || ioc.type !== declared) {
		const again = parseNetworkValue(ioc.value, ioc.type);
		if (
			!again.ok ||
			again.ioc.value !== ioc.value ||
			again.ioc.type !== ioc.type ||
			(again.ioc.hold === null) !== (ioc.hold === null)
		) {
			return invalid(
				value,
				declared,
				`does not normalise to one stable value (it reads as ${quote(ioc.value)}, which reads differently again)`,
			);
		}
		ioc = again.ioc;
	}
	const entry = allowlist ? allowlist.match(ioc) : null;
	if (entry !== null)
		return {
			ok: false,
			reason: 'allowlisted',
			text: `Matches your allowlist entry ${quote(entry)}.`,
			type: ioc.type,
			value: ioc.value,
			ioc,
		};
	if (ioc.hold)
		return {
			ok: false,
			reason: ioc.hold.reason,
			text: ioc.hold.text,
			type: ioc.type,
			value: ioc.value,
			ioc,
		};
	return { ok: true, type: ioc.type, value: ioc.value, ioc };
}

/** True when `value` may stand on a blocklist as a `type` IoC exactly as written: blockable and
 * already normalised. What the exporters (and any later list or push step) accept. */
export function isExportable(type: unknown, value: unknown): boolean {
	const outcome = typeof type === 'string' ? checkBlockable(type, value) : null;
	return outcome !== null && outcome.ok && outcome.type === type && outcome.value === value;
}
