/**
 * Pacing of the requests to one API (one Pacer per API per execution; no module state): at most
 * `concurrency` requests in flight, and request starts at least `minIntervalMs` apart. Starts
 * are handed out one after the other from the moment the previous one really started, so a
 * stalled event loop cannot release a burst. Used by IoC Enrich (one per provider) and by the
 * firewall pushes (each target's documented rate limit).
 *
 * Waiting is n8n-workflow's `sleep` (abortable), never a timer of our own.
 */
import { sleep } from 'n8n-workflow';

/** A documented rate limit, as pacing applies it. */
export interface PaceLimit {
	/** Requests in flight at once. */
	concurrency: number;
	/** Minimum time between two request starts; 0 = no spacing. */
	minIntervalMs: number;
}

/** `requests` per `perSeconds` as a PaceLimit (e.g. 4 a minute: `paceLimit(4, 60)`). */
export function paceLimit(requests: number, perSeconds: number, concurrency = 1): PaceLimit {
	const interval = requests > 0 && perSeconds > 0 ? Math.ceil((perSeconds * 1000) / requests) : 0;
	return { concurrency: Math.max(1, Math.floor(concurrency)), minIntervalMs: interval };
}

export const DEADLINE = Symbol('deadline');

/**
 * Requests leave exactly on schedule but reach the provider a few ms apart (credential lookup,
 * new sockets), so a provider counting per window can see one too many: stay 5% under its rate
 * (docs/benchmarks.md, case 4: 35 × 429 at exactly 20/s, none with the margin).
 */
const PACING_MARGIN = 1.05;

/** `promise`, or DEADLINE when `deadlineAt` (epoch ms) comes first. The timer is cleared either way. */
export async function untilDeadline<T>(
	promise: Promise<T>,
	deadlineAt: number,
): Promise<T | typeof DEADLINE> {
	if (!Number.isFinite(deadlineAt)) return await promise;
	const ms = deadlineAt - Date.now();
	if (ms <= 0) {
		promise.catch(() => undefined);
		return DEADLINE;
	}
	const controller = new AbortController();
	const timer: Promise<typeof DEADLINE> = sleep(ms, controller.signal).then(
		() => DEADLINE,
		() => DEADLINE,
	);
	try {
		return await Promise.race([promise, timer]);
	} finally {
		controller.abort();
	}
}

interface Waiter {
	resolve: () => void;
	cancelled: boolean;
	handed: boolean;
}

export class Pacer {
	private active = 0;

	private readonly waiting: Waiter[] = [];

	private lastStart = Number.NEGATIVE_INFINITY;

	private pausedUntil = 0;

	private queued = 0;

	private chain: Promise<unknown> = Promise.resolve();

	private readonly spacingMs: number;

	constructor(readonly limit: PaceLimit) {
		this.spacingMs = Math.ceil(limit.minIntervalMs * PACING_MARGIN);
	}

	/** A release function once a request may start, or undefined when none can start before `deadlineAt`. */
	async acquire(deadlineAt = Number.POSITIVE_INFINITY): Promise<(() => void) | undefined> {
		if (!(await this.enter(deadlineAt))) return undefined;
		if (!(await this.space(deadlineAt))) {
			this.leave();
			return undefined;
		}
		let released = false;
		return () => {
			if (released) return;
			released = true;
			this.leave();
		};
	}

	/**
	 * Runs `task` in its turn and releases the slot when it ends; DEADLINE when no slot is free
	 * before `deadlineAt`.
	 */
	async run<T>(
		task: () => Promise<T>,
		deadlineAt = Number.POSITIVE_INFINITY,
	): Promise<T | typeof DEADLINE> {
		const release = await this.acquire(deadlineAt);
		if (!release) return DEADLINE;
		try {
			return await task();
		} finally {
			release();
		}
	}

	/** Holds every start back until `at` (a provider's Retry-After applies to all its requests). */
	pauseUntil(at: number): void {
		this.pausedUntil = Math.max(this.pausedUntil, at);
	}

	/** The limit in words, for messages. */
	describe(): string {
		const perMinute =
			this.limit.minIntervalMs > 0 ? Math.round(60_000 / this.limit.minIntervalMs) : undefined;
		return perMinute ? `${perMinute} requests per minute` : `${this.limit.concurrency} at a time`;
	}

	private async enter(deadlineAt: number): Promise<boolean> {
		if (this.active < Math.max(1, this.limit.concurrency)) {
			this.active++;
			return true;
		}
		const waiter: Waiter = { resolve: () => undefined, cancelled: false, handed: false };
		const woken = new Promise<void>((resolve) => {
			waiter.resolve = resolve;
		});
		this.waiting.push(waiter);
		if ((await untilDeadline(woken, deadlineAt)) !== DEADLINE) return true;
		waiter.cancelled = true;
		// The slot may have been handed over in the same instant: pass it on.
		if (waiter.handed) this.leave();
		return false;
	}

	private leave(): void {
		while (this.waiting.length > 0) {
			const next = this.waiting.shift() as Waiter;
			if (next.cancelled) continue;
			next.handed = true;
			next.resolve();
			return;
		}
		this.active--;
	}

	private nextStart(): number {
		return Math.max(Date.now(), this.lastStart + this.spacingMs, this.pausedUntil);
	}

	private async space(deadlineAt: number): Promise<boolean> {
		// Refuse at once when the queue ahead cannot clear before the deadline.
		if (this.nextStart() + this.queued * this.spacingMs > deadlineAt) return false;
		this.queued++;
		const turn = this.chain.then(async () => {
			this.queued--;
			const wait = this.nextStart() - Date.now();
			if (Date.now() + wait > deadlineAt) return false;
			if (wait > 0) await sleep(wait);
			// A pause may have been set while this one slept.
			const more = this.nextStart() - Date.now();
			if (more > 0) {
				if (Date.now() + more > deadlineAt) return false;
				await sleep(more);
			}
			this.lastStart = Date.now();
			return true;
		});
		this.chain = turn.catch(() => false);
		return await turn;
	}
}
