/**
 * The two vocabularies for IoC types, and the one map between them.
 *
 * - Assemblyline's words, used by the Filter, the blocklists and Confirm: `ip`, `domain`, `uri`
 *   (NetworkType; the `network.*.ip|domain|uri` tag types of assemblyline-base odm/models/tagging.py).
 * - The threat-intel words, used by IoC Enrich and its providers: `ipv4`, `ipv6`, `domain`, `url`,
 *   `md5`, `sha1`, `sha256` (IocType): an IP's version and a hash's algorithm decide which
 *   provider endpoint answers.
 */
import type { Host } from './parse';
import type { IocType, NetworkType } from './types';

export const IOC_TYPES: readonly IocType[] = Object.freeze([
	'ipv4',
	'ipv6',
	'domain',
	'url',
	'md5',
	'sha1',
	'sha256',
]);

/** The threat-intel word for a network IoC; an IP's word comes from its parsed host. */
export function intelType(ioc: {
	type: NetworkType;
	host: Host;
}): Extract<IocType, 'ipv4' | 'ipv6' | 'domain' | 'url'> {
	if (ioc.type === 'uri') return 'url';
	if (ioc.type === 'domain' || ioc.host.kind === 'domain') return 'domain';
	return ioc.host.kind;
}

/** Assemblyline's word for a threat-intel type; undefined for hashes (no firewall blocks them). */
export function networkType(type: IocType): NetworkType | undefined {
	switch (type) {
		case 'ipv4':
		case 'ipv6':
			return 'ip';
		case 'domain':
			return 'domain';
		case 'url':
			return 'uri';
		default:
			return undefined;
	}
}
