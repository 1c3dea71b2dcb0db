import type { INodeProperties } from 'n8n-workflow';

export const ALLOWLIST_PROPERTY: INodeProperties = {
	displayName: 'Allowlist',
	name: 'allowlist',
	type: 'string',
	typeOptions: { rows: 4 },
	default: '',
	placeholder: '10.0.0.0/8\nyour-company.example',
	description:
		'Your own networks, domains and URL prefixes, one per line (# starts a comment), the same syntax as in Filter Blockable IoCs. Nothing on it goes on the blocklist or into a feed, even if a row says so.',
};
