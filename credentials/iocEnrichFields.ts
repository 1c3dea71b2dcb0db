import type {
	IAuthenticateGeneric,
	ICredentialTestRequest,
	Icon,
	INodeProperties,
} from 'n8n-workflow';

/** What every IoC Enrich provider credential shares: the icon, the key, the base-URL override. */
export const ENRICH_ICON: Icon = {
	light: 'file:../icons/enrich.svg',
	dark: 'file:../icons/enrich.dark.svg',
};

export function apiKeyField(
	provider: string,
	sentAs: string,
	displayName = 'API Key',
): INodeProperties {
	return {
		displayName,
		name: 'apiKey',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		required: true,
		description: `Your ${provider} ${displayName} (sent as ${sentAs})`,
	};
}

/** An on-prem mirror or a test server can stand in for the public API. */
export function baseUrlField(
	defaultUrl: string,
	what: string,
	name = 'baseUrl',
	displayName = 'Base URL',
): INodeProperties {
	return {
		displayName,
		name,
		type: 'string',
		default: defaultUrl,
		placeholder: `e.g. ${defaultUrl}`,
		description: `${what}, e.g. a mirror for tests. Default: ${defaultUrl}.`,
	};
}

/** The credential test's baseURL: the field, trimmed, without a trailing slash. */
function baseUrlExpression(field = 'baseUrl'): string {
	return `={{($credentials.${field} || "").trim().replace(/\\/+$/, "")}}`;
}

/** The credential test: `request` sent to the Base URL field's address. */
export function baseUrlTest(
	request: Omit<ICredentialTestRequest['request'], 'baseURL'>,
	field = 'baseUrl',
): ICredentialTestRequest {
	return { request: { baseURL: baseUrlExpression(field), ...request } };
}

/** Sends the key as the query parameter `param`, for providers that take it nowhere else (IoC
 * Enrich removes it from any text it outputs). */
export function queryKeyAuth(param = 'key'): IAuthenticateGeneric {
	return { type: 'generic', properties: { qs: { [param]: '={{$credentials.apiKey}}' } } };
}
