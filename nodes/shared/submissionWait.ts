/**
 * Whether an Assemblyline submission is finished, and waiting until it is: used by AL Submission
 * IoCs ("Wait for Completion") and by the Assemblyline node's Submit → Wait for Completion.
 * `GET /api/v4/submission/is_completed/<sid>/` answers a bare true or false (assemblyline-ui
 * api/v4/submission.py is_submission_completed).
 */
import type { IExecuteFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import { parseResponse } from './schema';
import { assemblylineRequest } from './transport';
import * as z from './zod';

/** The first poll waits 1 s, each next one twice as long, never more than 15 s. */
export const WAIT_BACKOFF_MS = Object.freeze({ first: 1000, max: 15000 });

const IS_COMPLETED = z.boolean();
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

/** Asks once whether submission `sid` is finished. */
export async function isSubmissionCompleted(
	context: IExecuteFunctions,
	sid: string,
	call: SubmissionCall,
): Promise<boolean> {
	const path = `/api/v4/submission/is_completed/${sid}/`;
	const answer = await assemblylineRequest(context, { method: 'GET', path, ...call });
	return parseResponse(context, IS_COMPLETED, answer, {
		endpoint: `GET ${path}`,
		itemIndex: call.itemIndex,
	});
}

/**
 * Polls isSubmissionCompleted with backoff (WAIT_BACKOFF_MS) until it is true (returns true), or
 * `timeoutMs` has passed or the execution was stopped (returns false: the caller decides what an
 * unfinished submission means, e.g. output flagged `partial`).
 */
export async function waitForSubmission(
	context: IExecuteFunctions,
	sid: string,
	timeoutMs: number,
	call: SubmissionCall,
): Promise<boolean> {
	const deadline = Date.now() + timeoutMs;
	let delay: number = WAIT_BACKOFF_MS.first;
	for (;;) {
		// A stop while a poll is in flight cancels that request (n8n-core aborts it with the
		// execution's signal): the wait ends as unfinished, not as "could not reach Assemblyline".
		const completed = await isSubmissionCompleted(context, sid, call).then(
			(answer) => answer,
			(error: unknown) => (cancelled(context) ? false : Promise.reject(error)),
		);
		if (completed) return true;
		const left = deadline - Date.now();
		if (left <= 0 || cancelled(context)) return false;
		// In slices, so that a stopped execution stops waiting within a second (node code has no timers
		// of its own to race against the cancel signal).
		for (
			let slept = 0, pause = Math.min(delay, left);
			slept < pause && !cancelled(context);
			slept += CANCEL_CHECK_MS
		) {
			await sleep(Math.min(CANCEL_CHECK_MS, pause - slept));
		}
		if (cancelled(context)) return false;
		delay = Math.min(delay * 2, WAIT_BACKOFF_MS.max);
	}
}
