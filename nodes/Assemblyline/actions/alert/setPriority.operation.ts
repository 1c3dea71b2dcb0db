import { ALERT_PRIORITIES } from '../../../shared/descriptions';
import { setFieldOperation } from './common';

/** POST /api/v4/alert/priority/<id>/ with a JSON string (assemblyline-ui api/v4/alert.py change_priority). */
export const { description, execute } = setFieldOperation({
	operation: 'setPriority',
	parameter: 'priority',
	values: ALERT_PRIORITIES,
	default: 'HIGH',
});
