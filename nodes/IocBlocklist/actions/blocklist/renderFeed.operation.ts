import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
} from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { FEED_FORMATS, feedFormat, feedType, renderFeed } from '../../../shared/blocklist';
import { ALLOWLIST_PROPERTY } from '../common';
import { readAllowlist } from '../../../shared/allowlist';
import { splitInput } from '../../rows';

const show = { show: { operation: ['renderFeed'] } };

export const description: INodeProperties[] = [
	{
		displayName:
			'Input: every row of the blocklist Data Table (Data Table: Get, Return All, Always Output Data). Output: one item with <code>body</code>, <code>status_code</code> (200, or 304 when the firewall already has this version), <code>content_type</code> and <code>etag</code> for Respond to Webhook. Rows that are expired, of another type, or that fail the checks of Filter Blockable IoCs (a hand edit) are never served; the last ones come out on Held Back.',
		name: 'feedNotice',
		type: 'notice',
		default: '',
		displayOptions: show,
	},
	{
		displayName: 'IoC Type',
		name: 'feedType',
		type: 'string',
		default: 'ip',
		placeholder: 'ip',
		description:
			'The one type this feed holds: ip, domain or URL. A feed never mixes types (OPNsense resolves any name in an IP feed and would block what it resolves to). Usually an expression reading the request, e.g. the query parameter type.',
		displayOptions: show,
	},
	{
		displayName: 'Format',
		name: 'format',
		type: 'string',
		default: 'paloalto_edl',
		placeholder: 'paloalto_edl',
		description: `The feed's syntax: ${FEED_FORMATS.join(', ')}. Palo Alto EDL and FortiGate: one entry per line, URLs without scheme; cisco: one entry per line, cisco_md5: the MD5 of that list for Cisco's checksum URL; plain: one value per line (pfSense/OPNsense URL tables); csv; stix: a STIX 2.1 bundle.`,
		displayOptions: show,
	},
	{
		displayName: 'If-None-Match',
		name: 'ifNoneMatch',
		type: 'string',
		default: '',
		description:
			"The request's If-None-Match header. When it names this feed's ETag, the answer is 304 Not Modified without a body.",
		displayOptions: show,
	},
	{
		displayName: 'Max Entries',
		name: 'maxEntries',
		type: 'number',
		typeOptions: { minValue: -1 },
		default: 0,
		description:
			'Most entries the feed holds. 0: the documented limit of the format (Palo Alto EDL 50,000, FortiGate 128,000, Cisco 1,000,000; no limit for plain, CSV and STIX); -1: no limit. When there are more, the highest verdict wins, then the most recently seen.',
		displayOptions: show,
	},
	{ ...ALLOWLIST_PROPERTY, displayOptions: show },
];

export async function execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const items = this.getInputData();
	if (items.length === 0) {
		// No input is not an empty blocklist: a Data Table Get with Always Output Data sends one
		// empty item for an empty table. Failing here makes the webhook answer 5xx, and the
		// firewall keeps its last good copy.
		throw new NodeOperationError(
			this.getNode(),
			'Render Feed got no input, so it cannot tell an empty blocklist from a failed read',
			{
				description:
					'Turn on Settings → Always Output Data in the Data Table node before this one, so an empty table arrives as one empty item.',
			},
		);
	}
	const { rows, rowIndexes, others } = splitInput(items);
	if (others.length > 0) {
		throw new NodeOperationError(
			this.getNode(),
			`Render Feed got ${others.length} item(s) that are not blocklist rows`,
			{
				description:
					'Connect the Data Table node that reads the blocklist table (its rows have the columns key, type, value, status and expires_at). Serving a feed from other data could unblock everything.',
				itemIndex: others[0].index,
			},
		);
	}
	const rawType = this.getNodeParameter('feedType', 0, '') as string;
	const rawFormat = this.getNodeParameter('format', 0, '') as string;
	const type = feedType(rawType);
	const format = feedFormat(rawFormat);
	const paired = rowIndexes.length > 0 ? rowIndexes.map((item) => ({ item })) : [{ item: 0 }];
	if (!type || !format) {
		const body = `No such feed: type ${JSON.stringify(rawType)}, format ${JSON.stringify(rawFormat)}. Types: ip, domain, url. Formats: ${FEED_FORMATS.join(', ')}.\n`;
		return [
			[
				{
					json: {
						status_code: 404,
						body,
						content_type: 'text/plain; charset=utf-8',
						etag: '',
						entries: 0,
					},
					pairedItem: paired,
				},
			],
			[],
		];
	}
	const feed = renderFeed(rows, {
		type,
		format,
		now: new Date(),
		maxEntries: this.getNodeParameter('maxEntries', 0, 0) as number,
		ifNoneMatch: (this.getNodeParameter('ifNoneMatch', 0, '') as string) || undefined,
		allowlist: readAllowlist(this),
	});
	const json: IDataObject = {
		feed_type: type,
		format,
		status_code: feed.status_code,
		body: feed.body,
		content_type: feed.content_type,
		etag: feed.etag,
		entries: feed.entries,
		over_limit: feed.over_limit,
		expired: feed.expired,
		held_back: feed.held.length,
	};
	const held = feed.held.map((h) => ({ json: { ...h } as IDataObject, pairedItem: paired }));
	return [[{ json, pairedItem: paired }], held];
}
