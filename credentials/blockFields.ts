import type { Icon, INodeProperties } from 'n8n-workflow';

/** What the Block on Firewall / EDR credentials share: the icon, the device URL, the TLS switch. */
export const BLOCK_ICON: Icon = { light: 'file:../icons/block.svg', dark: 'file:../icons/block.dark.svg' };

export function firewallUrlField(placeholder: string, description: string): INodeProperties {
	return { displayName: 'Firewall URL', name: 'url', type: 'string', default: '', placeholder, required: true, description };
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

/** The credential test's baseURL: the URL field, trimmed, without a trailing slash. */
export const FIREWALL_BASE_URL = '={{($credentials.url || "").trim().replace(/\\/+$/, "")}}';
