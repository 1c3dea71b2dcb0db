/**
 * Turns an item's value (and declared type, if any) into an IoC to look up, or into the reason
 * it must not be sent. Non-global IPs, special-use names and public suffixes never leave n8n.
 */
import type { IocType } from '../shared/ioc';
import {
	inspectIoc,
	intelType,
	IOC_TYPES,
	parseNetworkValue,
	refang,
	typeFromWord,
} from '../shared/ioc';
import type { NotSent } from './engine';
import { typeLabel } from './engine';
import type { Ioc } from './types';

export interface Resolved {
	/** What to look up, or why nothing is looked up. */
	target: Ioc | NotSent;
	ioc: {
		value: string;
		type: IocType | 'unknown';
		original: string;
		refanged: boolean;
		declared_type?: string;
	};
}

const HASH_WORDS: Record<string, IocType | 'hash'> = {
	md5: 'md5',
	sha1: 'sha1',
	'sha-1': 'sha1',
	sha256: 'sha256',
	'sha-256': 'sha256',
	hash: 'hash',
	filehash: 'hash',
	'file-hash': 'hash',
};

function textOf(raw: unknown): string {
	return typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
}

function notSent(
	original: string,
	value: string,
	type: IocType | 'unknown',
	reason: string,
	reason_text: string,
	declared_type?: string,
): Resolved {
	const status = reason === 'unsupported_type' ? 'unsupported' : 'skipped';
	return {
		target: { status, reason, reason_text },
		ioc: { value, type, original, refanged: false, ...(declared_type ? { declared_type } : {}) },
	};
}

/** `declared` is a type word (`ip`, `uri`, `sha256`, `network.dynamic.domain`…), or empty to detect. */
export function resolveIoc(raw: unknown, declared?: string): Resolved {
	const original = textOf(raw);
	const word = typeof declared === 'string' ? declared.trim().toLowerCase() : '';
	const inspected = inspectIoc(raw);
	let type: IocType | 'unknown' = inspected.iocType;
	let value = inspected.value;
	let reason = inspected.reason as string | undefined;
	let reasonText = inspected.reason_text;

	if (word) {
		const hashWord = HASH_WORDS[word] ?? HASH_WORDS[typeFromWord(word) ?? ''];
		const network = typeFromWord(word);
		if (hashWord) {
			const isHash = type === 'md5' || type === 'sha1' || type === 'sha256';
			if (!isHash || (hashWord !== 'hash' && hashWord !== type)) {
				const want =
					hashWord === 'hash' ? 'an MD5, SHA1 or SHA256 hash' : `a ${typeLabel(hashWord)} hash`;
				return notSent(
					original,
					original,
					'unknown',
					'invalid',
					`${JSON.stringify(original.slice(0, 120))} is not ${want}.`,
					word,
				);
			}
		} else if (network === 'ip' || network === 'domain' || network === 'uri') {
			if (typeof raw !== 'string')
				return notSent(
					original,
					original,
					'unknown',
					'invalid',
					`${JSON.stringify(original.slice(0, 120))} is not a text value.`,
					word,
				);
			const outcome = parseNetworkValue(raw, network);
			if (!outcome.ok) {
				return notSent(
					original,
					raw,
					'unknown',
					'invalid',
					`${JSON.stringify(raw.slice(0, 120))} ${outcome.problem}.`,
					word,
				);
			}
			const parsed = outcome.ioc;
			type = intelType(parsed);
			value = parsed.value;
			reason = parsed.hold?.reason;
			reasonText = parsed.hold?.text;
			if ((word === 'ipv4' || word === 'ipv6') && type !== word) {
				return notSent(
					original,
					value,
					type,
					'invalid',
					`${JSON.stringify(raw.slice(0, 120))} is not an ${typeLabel(word)} address.`,
					word,
				);
			}
		} else {
			return notSent(
				original,
				original,
				'unknown',
				'unsupported_type',
				`IoC Enrich does not look up "${word.slice(0, 60)}" values (only IPs, domains, URLs and MD5/SHA1/SHA256 hashes).`,
				word,
			);
		}
	}

	const ioc = {
		value,
		type,
		original,
		refanged: typeof raw === 'string' && refang(raw) !== raw,
		...(word ? { declared_type: word } : {}),
	};
	if (reason || type === 'unknown' || !IOC_TYPES.includes(type as IocType)) {
		return {
			target: {
				status: 'skipped',
				reason: reason ?? 'invalid',
				reason_text:
					reasonText ??
					`${JSON.stringify(original.slice(0, 120))} is not an IP, domain, URL or hash.`,
			},
			ioc,
		};
	}
	return { target: { type: type as IocType, value }, ioc };
}
