import type {
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';

import { assemblylineTriggerNode } from '../shared/descriptions';
import { properties } from './description';
import { pollAlertTrigger } from './poll';

export { CLOCK_SKEW_MARGIN_MS } from '../shared/search';
export { KNOWN_IDS_MAX } from './poll';
export type { AlertEvent } from './poll';

export class AssemblylineAlertTrigger implements INodeType {
	description: INodeTypeDescription = {
		icon: {
			light: 'file:../../icons/assemblyline.svg',
			dark: 'file:../../icons/assemblyline.dark.svg',
		},
		subtitle: '={{$parameter["query"]}}',
		...assemblylineTriggerNode({
			displayName: 'AL Alert Trigger',
			name: 'assemblylineAlertTrigger',
			anchor: 'al-alert-trigger',
			description:
				'Starts the workflow for each new or updated Assemblyline alert matching a Lucene query, once Assemblyline is done with it, or for each new triage change',
			hints: [
				{
					message:
						'Each alert comes out once, oldest first, with "_trigger.event" set to "new". Assemblyline updates alerts in place (extended scan, resubmission: new reporting time, sometimes more IoCs); an updated alert comes out again with "_trigger.event" set to "updated".',
					// Not in "Triage Changes" mode, where the event is "triage" (the next hint).
					displayCondition: '={{ $parameter["mode"] !== "triage" }}',
				},
				{
					message:
						'Fires once per new triage event on an alert that matches the query, with the event in "_trigger.triage". Assemblyline records status, label and priority changes as events; taking ownership and verdict votes leave none.',
					displayCondition: '={{ $parameter["mode"] === "triage" }}',
				},
			],
			properties,
		}),
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		return await pollAlertTrigger(this);
	}
}
