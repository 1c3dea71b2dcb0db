import type {
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';

import { router } from './actions/router';
import { assemblylineActionNode } from '../shared/descriptions';
import { properties } from './description';

export class Assemblyline implements INodeType {
	description: INodeTypeDescription = {
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		usableAsTool: true,
		...assemblylineActionNode({
			displayName: 'Assemblyline',
			name: 'assemblyline',
			group: 'transform',
			anchor: 'assemblyline',
			description:
				'Submit to Assemblyline and write back: label and triage alerts, safelist and badlist tags',
			properties,
		}),
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await router.call(this);
	}
}
