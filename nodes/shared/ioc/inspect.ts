import { checkBlockable } from './blockable';
import { refang } from './refang';
import { quote, rawText } from './text';
import type { IocType, ReasonCode } from './types';
import { intelType } from './vocabulary';

/** The threat-intel words (IocType), or `unknown`. */
export type DetectedIocType = IocType | 'unknown';

export interface IocInspection {
	iocType: DetectedIocType;
	/** Normalised value (hashes lower-cased). */
	value: string;
	original: string;
	/** Set when the value must not leave the house (threat-intel lookups) or cannot be used. */
	reason?: Extract<
		ReasonCode,
		'invalid' | 'non_global_ip' | 'special_use_domain' | 'public_suffix'
	>;
	reason_text?: string;
}

const HASH_TYPES: Readonly<Record<number, DetectedIocType>> = {
	32: 'md5',
	40: 'sha1',
	64: 'sha256',
};
const HEX = /^[0-9a-fA-F]+$/;

/** Type detection and the network safety rules, for the enrichment node: a private IP or an
 * internal name must never be sent to a third-party provider. */
export function inspectIoc(raw: unknown): IocInspection {
	const original = rawText(raw);
	if (typeof raw !== 'string') {
		return {
			iocType: 'unknown',
			value: original,
			original,
			reason: 'invalid',
			reason_text: `${quote(original)} is not a text value.`,
		};
	}
	const text = refang(raw);
	const hashType = HASH_TYPES[text.length];
	if (hashType && HEX.test(text)) return { iocType: hashType, value: text.toLowerCase(), original };
	// The same definition the Filter and the exporters use, without an allowlist.
	const outcome = checkBlockable(undefined, raw);
	if (!outcome.ok && outcome.ioc === null) {
		return {
			iocType: 'unknown',
			value: raw,
			original,
			reason: 'invalid',
			reason_text: outcome.text,
		};
	}
	const ioc = outcome.ioc as NonNullable<typeof outcome.ioc>;
	const iocType: DetectedIocType = intelType(ioc);
	const inspection: IocInspection = { iocType, value: ioc.value, original };
	if (!outcome.ok) {
		inspection.reason = outcome.reason as NonNullable<IocInspection['reason']>;
		inspection.reason_text = outcome.text;
	}
	return inspection;
}

/** `ipv4 | ipv6 | domain | url | md5 | sha1 | sha256 | unknown`, after refanging. */
export function detectIocType(raw: unknown): DetectedIocType {
	return inspectIoc(raw).iocType;
}
