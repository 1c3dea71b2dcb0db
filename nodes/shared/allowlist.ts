/** The Allowlist parameter of Filter Blockable IoCs and IoC Blocklist, read the same way by both. */
import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { compileAllowlist, type Allowlist } from './ioc';
import { parseParameter } from './schema';
import * as z from './zod';

/** One entry per line; an expression may also give a list of entries. */
const ALLOWLIST = z.optional(z.nullable(z.union([z.string(), z.array(z.string())])));

/**
 * A line it cannot read fails the node: a typo must not let an own network through. So does a
 * value that is neither text nor a list of entries (an expression giving an object or a number),
 * which was ignored before.
 */
export function readAllowlist(context: IExecuteFunctions): Allowlist | undefined {
	const value = parseParameter(context, ALLOWLIST, context.getNodeParameter('allowlist', 0, ''), {
		displayName: 'Allowlist',
		hint: 'One entry per line: an IP address, a CIDR range, a domain or a URL prefix. An expression may give a list of entries.',
	});
	const text = Array.isArray(value) ? value.join('\n') : (value ?? '');
	if (text.trim() === '') return undefined;
	const { allowlist, errors } = compileAllowlist(text);
	if (errors.length === 0) return allowlist;
	const first = errors[0];
	const more =
		errors.length > 1
			? ` (and ${errors.length - 1} more bad ${errors.length === 2 ? 'entry' : 'entries'})`
			: '';
	throw new NodeOperationError(
		context.getNode(),
		`${first.message.replace(/\.$/, '')} (allowlist line ${first.line})${more}`,
		{
			description: `${errors
				.slice(0, 10)
				.map((error) => `Line ${error.line}: ${error.message}`)
				.join(
					'\n',
				)}\nOne entry per line: an IP address, a CIDR range (10.0.0.0/8), a domain (covers its subdomains) or a URL prefix (https://intranet.example.com/app/). Text after # is a comment.`,
		},
	);
}
