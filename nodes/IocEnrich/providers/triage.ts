/**
 * Triage (Hatching, now Recorded Future Sandbox) public search, then the sample's overview report.
 * Sources: hatching/triage go/client.go (Bearer token, errors as `{"error": KIND, "message"}`,
 * private instances under their own API root); tria.ge/docs "Searching" (`query=sha256:…`, `md5:`,
 * `sha1:`, `url:`, `domain:`, `ip:`; results `{data: [{id, status, kind, filename, submitted,
 * completed}], next}`, no hit = `{"data": []}`) and "The Overview Report" (support.recordedfuture.com:
 * `analysis.score` 0-10, `analysis.family`, `analysis.tags`).
 * Triage's score bands (tria.ge/docs, "Scoring"): 10 known bad, 8-9 likely malicious, 6-7 shows
 * signs of maliciousness, 1-5 likely benign or no malicious behaviour. So ≥ 8 is malicious, 6-7
 * suspicious, and a low score stays unknown: a sandbox run that saw nothing vouches for nothing.
 * `url:`, `domain:` and `ip:` match only the C2 addresses Triage extracted from malware
 * configurations, never the sample's other traffic: the output says so.
 * Passive only: search and read reports; nothing is submitted.
 */
import * as z from '../../shared/zod';
import type { FollowUp, Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { keyedBy } from './credential';
import { followUpGet, maybe, notFound, parseAnswer, unexpected } from './reading';
import { clampScore, isoDate, str, tagList } from './util';

const NAME = 'Triage';

/** A search answer (tria.ge API, GET /search): the samples, newest first. */
const SEARCH = z.looseObject({
	data: z.array(
		z.looseObject({
			id: maybe.text,
			status: maybe.text,
			kind: maybe.text,
			filename: maybe.text,
			submitted: maybe.text,
			completed: maybe.text,
		}),
	),
	next: z.optional(z.unknown()),
});

/** A sample's overview.json: its score (0 to 10) and families. */
const OVERVIEW = z.looseObject({
	analysis: z.looseObject({ score: z.number(), family: maybe.words, tags: maybe.words }),
});

const OPERATOR: Record<string, string> = {
	sha256: 'sha256',
	sha1: 'sha1',
	md5: 'md5',
	url: 'url',
	domain: 'domain',
	ipv4: 'ip',
	ipv6: 'ip',
};

/** Sample IDs look like `250101-abcdef1234`; anything else is not put in a path. */
const SAMPLE_ID = /^[0-9]{6}-[0-9a-z]{6,16}$/i;

const C2_ONLY =
	'Triage matches URLs, domains and IPs only against C2 addresses extracted from malware configurations';

function isNetwork(ioc: Ioc): boolean {
	return ioc.type === 'url' || ioc.type === 'domain' || ioc.type === 'ipv4' || ioc.type === 'ipv6';
}

function searchLink(ioc: Ioc): string {
	return `https://tria.ge/s?q=${encodeURIComponent(`${OPERATOR[ioc.type]}:${ioc.value}`)}`;
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const answer = parseAnswer(NAME, SEARCH, response);
	if (answer.reading) return answer.reading;
	const body = answer.body;
	const samples = body.data.filter((sample) => !!str(sample.id));
	const scope = isNetwork(ioc) ? { matched_in: 'c2_config', note: C2_ONLY } : {};
	if (samples.length === 0) return notFound({ samples: 0, ...scope }, searchLink(ioc));
	const best = samples.find((s) => s.status === 'reported') ?? samples[0];
	const id = best.id as string;
	return {
		status: 'ok',
		verdict: 'unknown',
		link: SAMPLE_ID.test(id) ? `https://tria.ge/${id}` : searchLink(ioc),
		firstSeen: isoDate(best.submitted),
		lastSeen: isoDate(best.completed),
		evidence: {
			samples: samples.length,
			more: body.next !== undefined && body.next !== null && body.next !== '',
			sample_id: id,
			sample_status: str(best.status) ?? null,
			kind: str(best.kind) ?? null,
			filename: str(best.filename) ?? null,
			...scope,
		},
	};
}

function followUp(first: ProviderReading, ioc: Ioc): FollowUp | undefined {
	const id = str(first.evidence?.sample_id);
	if (!id || !SAMPLE_ID.test(id)) return undefined;
	return followUpGet(`/samples/${id}/overview.json`, OVERVIEW, 'overview', (body, reading) => {
		const score = body.analysis.score;
		const families = tagList(body.analysis.family ?? []);
		const out: ProviderReading = {
			...reading,
			score: clampScore(score * 10),
			tags: tagList([...families, ...(body.analysis.tags ?? [])]),
			evidence: { ...reading.evidence, triage_score: score, family: families },
		};
		const where = isNetwork(ioc) ? ' (as a C2 address in its malware config)' : '';
		const sampleReason = `${NAME}: sample ${id}${where} scored ${score}/10${families.length ? ` (${families.join(', ')})` : ''}`;
		if (score >= 8) {
			out.verdict = 'malicious';
			out.reasons = [sampleReason];
		} else if (score >= 6) {
			out.verdict = 'suspicious';
			out.reasons = [sampleReason];
		}
		return out;
	});
}

export const triage: Provider = {
	id: 'triage',
	option: {
		name: 'Triage (Recorded Future Sandbox)',
		description: 'Hashes: sandbox score and family; URLs, domains, IPs: C2 from malware configs',
	},
	displayName: NAME,
	...keyedBy('iocEnrichTriageApi', 'Triage'),
	defaultBaseUrl: 'https://tria.ge/api/v0',
	supports: ['sha256', 'sha1', 'md5', 'url', 'domain', 'ipv4', 'ipv6'],
	// Limits are not published; stay gentle.
	limits: { concurrency: 2, minIntervalMs: 500 },
	request: (ioc) => ({
		method: 'GET',
		url: '/search',
		qs: { query: `${OPERATOR[ioc.type]}:${ioc.value}`, limit: 20 },
		headers: { Accept: 'application/json' },
	}),
	read,
	followUp,
};
