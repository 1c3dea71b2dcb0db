import type { IAuthenticateGeneric, IHttpRequestHelper, Icon, INodeProperties } from 'n8n-workflow';

/** What the Block on Firewall / EDR credentials share: the icon, the device URL, the TLS switch. */
export const BLOCK_ICON: Icon = {
	light: 'file:../icons/block.svg',
	dark: 'file:../icons/block.dark.svg',
};

export function firewallUrlField(placeholder: string, description: string): INodeProperties {
	return {
		displayName: 'Firewall URL',
		name: 'url',
		type: 'string',
		default: '',
		placeholder,
		required: true,
		description,
	};
}

export function ignoreSslField(what: string): INodeProperties {
	return {
		displayName: 'Allow Unauthorized Certificates',
		name: 'ignoreSslIssues',
		type: 'boolean',
		default: false,
		description: `Whether to connect even if the TLS certificate cannot be validated (${what})`,
	};
}

/** A vendor API address with its public default: another one only for a region, a proxy or tests. */
export function apiUrlField(
	displayName: string,
	name: string,
	defaultUrl: string,
	description: string,
): INodeProperties {
	return { displayName, name, type: 'string', default: defaultUrl, description };
}

/** The credential test's baseURL: the field `name` (or `defaultUrl` when empty), trimmed, without a
 * trailing slash; what `credentialUrl` gives code. */
export function baseUrlOf(name: string, defaultUrl = ''): string {
	return `={{($credentials.${name} || "${defaultUrl}").trim().replace(/\\/+$/, "")}}`;
}

/** A URL field's value (or `defaultUrl` when empty), trimmed, without a trailing slash. */
export function credentialUrl(value: unknown, defaultUrl: string): string {
	return String(value || defaultUrl)
		.trim()
		.replace(/\/+$/, '');
}

/** The credential test's baseURL for the Firewall URL field. */
export const FIREWALL_BASE_URL = baseUrlOf('url');

/** The hidden field where n8n keeps a fetched access token (refetched on a 401). */
export const ACCESS_TOKEN_FIELD: INodeProperties = {
	displayName: 'Access Token',
	name: 'accessToken',
	type: 'hidden',
	typeOptions: { expirable: true, password: true },
	default: '',
};

/** Sends the fetched access token. */
export const BEARER_TOKEN: IAuthenticateGeneric = {
	type: 'generic',
	properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
};

/**
 * A client-credentials token request (form body) for a credential's `preAuthentication`: the answer,
 * or why there was none (in words: n8n replaces a message that names ECONNREFUSED & co. with its
 * own). The caller throws a fresh error whose message starts with "[token]", which the node shows
 * as it is: the HTTP client's own error carries the request body, the secret included.
 */
export async function requestToken<T>(
	helper: IHttpRequestHelper,
	url: string,
	form: Record<string, string>,
): Promise<{ answer?: T; unreachable?: string }> {
	try {
		const answer = (await helper.helpers.httpRequest({
			method: 'POST',
			url,
			headers: { 'content-type': 'application/x-www-form-urlencoded' },
			body: new URLSearchParams(form).toString(),
			json: true,
			ignoreHttpStatusErrors: true,
		})) as T | undefined;
		return { answer };
	} catch (error) {
		const code =
			(error as { code?: string; cause?: { code?: string } }).code ??
			(error as { cause?: { code?: string } }).cause?.code;
		return { unreachable: typeof code === 'string' ? code.replace(/^E/, 'error ') : 'no answer' };
	}
}

/** A required secret (shown as dots). */
export function secretField(
	displayName: string,
	name: string,
	description: string,
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description,
	};
}

/** Sends the credential field `field` as `Authorization: Bearer`. */
export function bearerField(field: string): IAuthenticateGeneric {
	return {
		type: 'generic',
		properties: { headers: { Authorization: `=Bearer {{$credentials.${field}}}` } },
	};
}
