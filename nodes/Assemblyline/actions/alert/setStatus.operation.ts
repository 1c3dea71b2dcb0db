import { ALERT_STATUSES } from '../../../shared/descriptions';
import { setFieldOperation } from './common';

/** POST /api/v4/alert/status/<id>/ with a JSON string (assemblyline-ui api/v4/alert.py change_status). */
export const { description, execute } = setFieldOperation({
	operation: 'setStatus',
	parameter: 'status',
	values: ALERT_STATUSES,
	default: 'MALICIOUS',
});
