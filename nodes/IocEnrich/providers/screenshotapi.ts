/**
 * ScreenshotAPI (screenshotapi.net): a picture of the page a URL IoC leads to, not a verdict.
 * Sources:
 * - screenshotapi.net/docs/renderScreenshot: `GET https://shot.screenshotapi.net/v3/screenshot
 *   ?token=TOKEN&url=URL&[OPTIONS]`; `full_page=true`, `fresh=true` (skip the cached shot),
 *   `file_type` png | jpeg | webp (or pdf), `output` image (the file itself) or json (a
 *   `screenshot` link to the stored file). Public clients call it the same way, e.g.
 *   `params={"token", "url", "output": "image", "file_type": "png"}` and write `response.content`.
 * - screenshotapi.net/docs/errors: 400 `invalid_url`, `url_required`, `invalid_file_type` and
 *   the browser's own navigation errors (`ERR_SSL_PROTOCOL_ERROR`, …), 310 `too_many_redirects`.
 *   The stored copy of that page does not show the rows for a refused token or a used-up plan:
 *   401 (the engine's refused key) and 429 (retried; a 429 naming the plan's or month's limit is
 *   the quota, off for the run) are this file's assumption.
 *   The error body is taken as `{error, message}` (ScreenshotAPI does not document it).
 * Choices:
 * - `output=image`: the image comes in the answer, one request, no second fetch from a storage
 *   host named by the answer. The capture's URL and time go in the JSON (`captured_url`,
 *   `captured_at`), the image in the item's binary property `screenshotapi`.
 * - Only URL IoCs: the API takes a website URL; a bare domain or IP names no scheme, port or path.
 * - A page the service could not load (a navigation error, too many redirects) is `not_found`:
 *   nothing to show, and never benign. A picture is `ok` with verdict `unknown`.
 * - Off by default: the service fetches the URL from its own network, which the site's owner sees.
 */
import type { IDataObject } from 'n8n-workflow';

import type { Ioc, Provider, ProviderHttpResponse, ProviderReading } from '../types';
import { malformed, notFound, unexpected } from './reading';
import { header, obj, providerMessage, str } from './util';

const NAME = 'ScreenshotAPI';

const IMAGE_TYPES: Record<string, { mimeType: string; extension: string }> = {
	png: { mimeType: 'image/png', extension: 'png' },
	jpeg: { mimeType: 'image/jpeg', extension: 'jpg' },
	webp: { mimeType: 'image/webp', extension: 'webp' },
};

/** The page could not be captured: ScreenshotAPI's navigation errors and redirect loop. */
function uncapturable(response: ProviderHttpResponse): boolean {
	const code = str(obj(response.json)?.error) ?? '';
	return (
		response.statusCode === 310 ||
		(response.statusCode === 400 &&
			(/^ERR_/.test(code) || code === 'invalid_url' || code === 'too_many_redirects'))
	);
}

function fileType(settings: IDataObject | undefined): string {
	const type = String(settings?.screenshotFileType ?? 'png');
	return IMAGE_TYPES[type] ? type : 'png';
}

function read(response: ProviderHttpResponse, ioc: Ioc): ProviderReading {
	if (uncapturable(response)) {
		return notFound({
			captured_url: ioc.value,
			could_not_capture: providerMessage(response) || `HTTP ${response.statusCode}`,
		});
	}
	if (response.statusCode !== 200) return unexpected(NAME, response);
	const bytes = response.bytes;
	const contentType = (header(response, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
	const type = Object.entries(IMAGE_TYPES).find(([, t]) => t.mimeType === contentType);
	if (!bytes || bytes.length === 0 || !type) {
		return malformed(NAME, response, `expected an image, got ${contentType || 'no content type'}`);
	}
	const [, { mimeType, extension }] = type;
	const capturedAt = new Date().toISOString();
	return {
		status: 'ok',
		verdict: 'unknown',
		reasons: [`${NAME}: screenshot of the page (${bytes.length} bytes), no verdict`],
		evidence: {
			captured_url: ioc.value,
			captured_at: capturedAt,
			mime_type: mimeType,
			bytes: bytes.length,
		},
		binary: { data: bytes, mimeType, fileName: `screenshot.${extension}` },
	};
}

export const screenshotapi: Provider = {
	id: 'screenshotapi',
	option: {
		name: 'ScreenshotAPI',
		description:
			'URLs: a screenshot of the page as binary data, no verdict (the service visits the URL)',
	},
	displayName: NAME,
	credentialType: 'iocEnrichScreenshotApi',
	credentialName: 'IoC Enrich: ScreenshotAPI.net API',
	baseUrlField: 'baseUrl',
	defaultBaseUrl: 'https://shot.screenshotapi.net/v3',
	supports: ['url'],
	limits: { concurrency: 2, minIntervalMs: 0 },
	settings: [
		{
			displayName: 'Screenshot: Full Page',
			name: 'screenshotFullPage',
			type: 'boolean',
			default: false,
			description: 'Whether ScreenshotAPI captures the whole page, not only the first screen',
		},
		{
			displayName: 'Screenshot: Fresh',
			name: 'screenshotFresh',
			type: 'boolean',
			default: false,
			description:
				'Whether ScreenshotAPI visits the page again instead of returning its cached screenshot',
		},
		{
			displayName: 'Screenshot: Image Type',
			name: 'screenshotFileType',
			type: 'options',
			options: [
				{ name: 'JPEG', value: 'jpeg' },
				{ name: 'PNG', value: 'png' },
				{ name: 'WebP', value: 'webp' },
			],
			default: 'png',
			description: 'The image format of the screenshot',
		},
	],
	request: (ioc, settings) => ({
		method: 'GET',
		url: '/screenshot',
		qs: {
			url: ioc.value,
			output: 'image',
			file_type: fileType(settings),
			full_page: settings?.screenshotFullPage === true ? 'true' : 'false',
			fresh: settings?.screenshotFresh === true ? 'true' : 'false',
		},
		encoding: 'arraybuffer',
	}),
	read,
	// Its error code and message both count: `{error: "limit_reached", message: "… this month"}`.
	quotaExhausted: (response) => /month|plan|quota|credits|limit_reached/i.test(response.text),
};
