import { labelOperation } from './common';

/** DELETE /api/v4/alert/label/<id>/ with a JSON list (assemblyline-ui api/v4/alert.py remove_labels). */
export const { description, execute } = labelOperation('removeLabel', {
	default: '',
	placeholder: 'BLOCKED',
	description: 'Labels to remove, comma-separated. A label the alert does not have is ignored.',
});
