import { labelOperation } from './common';

/** POST /api/v4/alert/label/<id>/ with a JSON list (assemblyline-ui api/v4/alert.py add_labels). */
export const { description, execute } = labelOperation('label', {
	default: 'BLOCKED',
	placeholder: 'BLOCKED, N8N',
	description:
		'Labels to add, comma-separated. Assemblyline stores them in upper case. A label the alert already has is left alone (no change, no new event).',
});
