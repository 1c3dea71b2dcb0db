/**
 * The credential part of a provider descriptor (Provider in ../types.ts): the credential type, the
 * name n8n shows for it, which is its class's displayName "IoC Enrich: <name> API"
 * (credentials/IocEnrich*Api.credentials.ts), and the field holding the base URL.
 */
import type { Provider } from '../types';

export function keyedBy(
	credentialType: string,
	name: string,
	baseUrlField = 'baseUrl',
): Pick<Provider, 'credentialType' | 'credentialName' | 'baseUrlField'> {
	return { credentialType, credentialName: `IoC Enrich: ${name} API`, baseUrlField };
}
