import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { properties } from './description';
import { execute } from './execute';

export class BlockOnFirewall implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Block on Firewall / EDR',
		name: 'blockOnFirewall',
		icon: { light: 'file:../../icons/block.svg', dark: 'file:../../icons/block.dark.svg' },
		group: ['output'],
		version: 1,
		subtitle:
			'={{$parameter["operation"] + " on " + {"panos": "PAN-OS", "defender": "Defender", "opnsense": "OPNsense", "crowdstrike": "CrowdStrike", "fortigate": "FortiGate", "cloudflare": "Cloudflare"}[$parameter["target"]]}}',
		documentationUrl:
			'https://github.com/n8n-nodes-assemblyline/n8n-nodes-assemblyline#block-on-firewall--edr',
		description:
			'Push IP, domain and URL blocks to a firewall or EDR API, with expiry, and remove them again',
		defaults: { name: 'Block on Firewall / EDR' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['Done', 'Not Pushed'],
		credentials: [
			{ name: 'blockPanOsApi', required: true, displayOptions: { show: { target: ['panos'] } } },
			{
				name: 'blockDefenderApi',
				required: true,
				displayOptions: { show: { target: ['defender'] } },
			},
			{
				name: 'blockOpnsenseApi',
				required: true,
				displayOptions: { show: { target: ['opnsense'] } },
			},
			{
				name: 'blockCloudflareApi',
				required: true,
				displayOptions: { show: { target: ['cloudflare'] } },
			},
			{
				name: 'blockCrowdStrikeApi',
				required: true,
				displayOptions: { show: { target: ['crowdstrike'] } },
			},
			{
				name: 'blockFortiGateApi',
				required: true,
				displayOptions: { show: { target: ['fortigate'] } },
			},
		],
		properties,
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await execute(this);
	}
}
