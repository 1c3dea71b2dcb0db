/**
 * Waiting for a submission to finish: what "Wait for Completion" does in AL Submission IoCs and in
 * the Assemblyline node's Submit, one implementation for both.
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { assemblylineRequest } from './transport';

const WAIT_BACKOFF_MS = Object.freeze({ first: 1000, max: 15000 });
const CANCEL_CHECK_MS = 1000;

function cancelled(context: IExecuteFunctions): boolean {
	return context.getExecutionCancelSignal()?.aborted === true;
}

export interface SubmissionCall {
	/** The input item the call is for (errors name it). */
	itemIndex: number;
	/** Said when Assemblyline answers 404, e.g. which input item's Submission ID to check. */
	notFoundHint?: string;
}

/** GET /api/v4/submission/is_completed/<sid>/: true only when the state is "completed" (assemblyline-ui api/v4/submission.py). */
export async function isSubmissionCompleted(context: IExecuteFunctions, sid: string, call: SubmissionCall): Promise<boolean> {
	const answer = await assemblylineRequest(context, { method: 'GET', path: `/api/v4/submission/is_completed/${sid}/`, ...call });
	return answer === true;
}

/** Polls `is_completed` with backoff until it is true, the timeout passes, or the execution stops. */
export async function waitForSubmission(
	context: IExecuteFunctions,
	sid: string,
	timeoutMs: number,
	call: SubmissionCall,
): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	let delay: number = WAIT_BACKOFF_MS.first;
	for (;;) {
		if (await isSubmissionCompleted(context, sid, call)) return true;
		const left = deadline - Date.now();
		if (left <= 0 || cancelled(context)) return false;
		// In slices, so that a stopped execution stops waiting within a second (node code has no timers
		// of its own to race against the cancel signal).
		for (let slept = 0, pause = Math.min(delay, left); slept < pause && !cancelled(context); slept += CANCEL_CHECK_MS) {
			await sleep(Math.min(CANCEL_CHECK_MS, pause - slept));
		}
		if (cancelled(context)) return false;
		delay = Math.min(delay * 2, WAIT_BACKOFF_MS.max);
	}
}
