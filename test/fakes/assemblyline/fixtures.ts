// The fixture story (test/fixtures/) as submission specs, plus a loader for the verbatim fixture files.
// The specs let the builder be checked against the fixtures (see assemblyline.model.test.ts); the
// server serves the fixture files themselves for these sids.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SubmissionSpec } from './model.ts';

export const FIXTURE_SID = 'ushStdLVanDgTCEgfcfS3';
export const FIXTURE_ALERT_ID = 'SDu3clC22x3tKZ6MOaE1B';

export interface FixtureFiles {
	summary: Record<string, unknown>; // the whole envelope
	ontologyNdjson: string;
	searchPage1: Record<string, unknown>; // the whole envelope
	whoami: Record<string, unknown>; // the whole envelope
}

export function defaultFixturesDir(): string {
	return path.resolve('test/fixtures');
}

export function loadFixtureFiles(dir = defaultFixturesDir()): FixtureFiles {
	const read = (f: string) => readFileSync(path.join(dir, f), 'utf8');
	return {
		summary: JSON.parse(read('submission_summary.json')),
		ontologyNdjson: read('ontology_submission.ndjson'),
		searchPage1: JSON.parse(read('search_alert_page1.json')),
		whoami: JSON.parse(read('whoami.json')),
	};
}

const DOCM = {
	sha256: '17b33ea8ef922d4dc871a582ca2299ac042f51a3e2bed1130cc4e8d21f49cb19',
	md5: 'e4dca19f6682cb4d9af0c16e5f1946e5',
	sha1: '481d3f072580f5522cd03a2feda4a2f30f2e9724',
	size: 48213,
	type: 'document/office/word',
	name: 'Invoice_8841.docm',
};
const PE = {
	sha256: '16e9b89ce861cfd1c8edbd502c2e05bbe9524438ce7df6cc7035a2610e35a8b2',
	md5: '416f1bf134e878753694608e4915451e',
	sha1: '6a1a8f7bd93bec3e6ccee187f450de48bd59c1dd',
	size: 241664,
	type: 'executable/windows/pe32',
};

/** Alert 1 / the summary / the ontology: Invoice_8841.docm. */
export function fixtureStorySpec(): SubmissionSpec {
	return {
		sid: FIXTURE_SID,
		files: [DOCM, PE],
		state: 'completed',
		submitted: '2025-03-14T15:02:11.482913Z',
		completed: '2025-03-14T15:07:43.118204Z',
		submitter: 'svc_soc',
		generateAlert: true,
		ingestId: FIXTURE_ALERT_ID,
		metadata: {
			ingest_id: FIXTURE_ALERT_ID,
			original_recipient: 'ap@corp.example.com',
			source: 'mail-gateway',
			ts: '2025-03-14T15:02:10.905331Z',
			type: 'INGEST',
		},
		results: [
			{
				service: 'Oletools', version: '4.6.0.stable12', tool_version: '0.60.2', sha256: DOCM.sha256,
				sections: [
					{
						title_text: 'Macro(s) with auto-execution keywords found',
						body: 'AutoOpen: Runs when the Word document is opened',
						heuristic: {
							heur_id: 'OLETOOLS.14', name: 'Auto-executing macro', score: 500,
							attack: [{ attack_id: 'T1059.005', categories: ['execution'], pattern: 'Visual Basic' }],
						},
						tags: [
							{ type: 'file.ole.macro.suspicious_string', value: 'URLDownloadToFileA' },
							{ type: 'network.static.domain', value: 'cdn-update.example.net' },
							{ type: 'network.static.uri', value: 'http://cdn-update.example.net/files/inv_8841.exe' },
						],
					},
					{
						title_text: 'Relationships and e-mail addresses',
						tags: [
							{ type: 'network.email.address', value: 'billing@example.com' },
							{ type: 'network.static.domain', value: 'schemas.openxmlformats.org', safelisted: true },
							{ type: 'network.static.uri', value: 'http://schemas.openxmlformats.org/officeDocument/2006/relationships', safelisted: true },
						],
					},
				],
			},
			{
				service: 'CAPE', version: '4.6.0.stable8', tool_version: '2.4.0', sha256: DOCM.sha256,
				ontologyExtra: {
					netflow: [{
						objectid: { tag: '203.0.113.45:8080', ontology_id: 'network_http_1bA8kXfVt3QmZr9uPwYd2E', service_name: 'CAPE', time_observed: '2025-03-14T15:04:37.000000Z' },
						destination_ip: '203.0.113.45', destination_port: 8080, transport_layer_protocol: 'tcp', direction: 'outbound',
						source_ip: '10.0.2.15', source_port: 49733,
						http_details: {
							request_uri: 'http://203.0.113.45:8080/gate.php',
							request_headers: { Host: '203.0.113.45:8080', 'User-Agent': 'Mozilla/5.0 (Windows NT 10.0; Win64; x64)' },
							request_method: 'POST', response_headers: { 'Content-Type': 'text/html' }, response_status_code: 200,
						},
						connection_type: 'http',
					}],
				},
				sections: [
					{
						title_text: 'Signature: HTTP request to an IP address',
						body: 'Performs an HTTP POST to http://203.0.113.45:8080/gate.php',
						heuristic: {
							heur_id: 'CAPE.13', name: 'HTTP request to IP address', score: 1000,
							attack: [{ attack_id: 'T1071.001', categories: ['command-and-control'], pattern: 'Web Protocols' }],
							signature: [{ frequency: 1, name: 'http_request_ip', safe: false }],
						},
						tags: [
							{ type: 'file.behavior', value: 'Executes a downloaded payload' },
							{ type: 'network.dynamic.domain', value: 'cdn-update.example.net' },
							{ type: 'network.dynamic.ip', value: '203.0.113.45' },
							{ type: 'network.dynamic.uri', value: 'http://203.0.113.45:8080/gate.php' },
							{ type: 'network.port', value: 8080 },
							{ type: 'network.protocol', value: 'http' },
						],
					},
					{
						title_text: 'Signature: Downloads a file from the Internet',
						body: 'Downloaded an executable from telemetry.example.org (198.51.100.23)',
						heuristic: {
							heur_id: 'CAPE.22', name: 'Downloads a file from the Internet', score: 300,
							attack: [{ attack_id: 'T1105', categories: ['command-and-control'], pattern: 'Ingress Tool Transfer' }],
							signature: [{ frequency: 1, name: 'network_downloader_exe', safe: false }],
						},
						tags: [
							{ type: 'network.dynamic.domain', value: 'telemetry.example.org' },
							{ type: 'network.dynamic.ip', value: '198.51.100.23' },
						],
					},
					{
						title_text: 'Benign network traffic',
						body: 'Time synchronisation with time.windows.com',
						heuristic: { heur_id: 'CAPE.3', name: 'Benign network traffic', score: -100 },
						tags: [
							{ type: 'network.dynamic.domain', value: 'time.windows.com' },
							{ type: 'network.dynamic.ip', value: '192.0.2.53' },
						],
					},
				],
			},
			{
				service: 'ConfigExtractor', version: '4.6.0.stable5', tool_version: '3.1.1', sha256: PE.sha256,
				sections: [{
					title_text: 'Extracted malware configuration',
					body: '{"family": "AgentTesla", "c2": ["203.0.113.45"]}',
					heuristic: { heur_id: 'CONFIGEXTRACTOR.1', name: 'Extracted malware configuration', score: 1000 },
					tags: [
						{ type: 'attribution.family', value: 'AGENTTESLA' },
						{ type: 'network.static.ip', value: '203.0.113.45' },
					],
				}],
			},
		],
	};
}

/** Alert 2 of search_alert_page1.json: phishing HTML. */
export function fixturePhishSpec(): SubmissionSpec {
	const f = {
		sha256: '3633cbdb8e89cb7fff27497e55f2e3dd25cbcd717da1c398dde4c757e8d2a27d', md5: 'cf7e44926d03a3dbcc7b24009af0d9c9',
		sha1: 'e5c21fbd83fa21db198b80ddb29173303f82d9d5', size: 18422, type: 'code/html', name: 'Payment_Notice.html',
	};
	return {
		sid: '4JQP8b6LrsxcU8Gldyuer6', files: [f], state: 'completed', submitter: 'svc_soc', generateAlert: true,
		submitted: '2025-03-14T14:38:02.702911Z', completed: '2025-03-14T14:41:18.903276Z', ingestId: 'WzJu6qmryyrHbJTVitslJ',
		metadata: { ingest_id: 'WzJu6qmryyrHbJTVitslJ', source: 'mail-gateway', ts: '2025-03-14T14:38:02.114587Z', type: 'INGEST' },
		results: [{
			service: 'JsJaws', version: '4.6.0.stable14', tool_version: '1.6.2', sha256: f.sha256,
			sections: [
				{
					title_text: 'Credential harvesting form', heuristic: {
						heur_id: 'JSJAWS.8', name: 'Credential harvesting form', score: 800,
						attack: [{ attack_id: 'T1566.002', categories: ['initial-access'], pattern: 'Spearphishing Link' }],
					},
					tags: [
						{ type: 'network.static.domain', value: 'portal-login.example.com' },
						{ type: 'network.static.uri', value: 'https://portal-login.example.com/owa/auth.php' },
					],
				},
				{
					title_text: 'External stylesheet reference', heuristic: { heur_id: 'JSJAWS.2', name: 'External stylesheet reference', score: 0 },
					tags: [
						{ type: 'network.static.domain', value: 'fonts.googleapis.com' },
						{ type: 'network.static.uri', value: 'https://fonts.googleapis.com/css?family=Roboto' },
						{ type: 'network.static.ip', value: '192.0.2.77' },
					],
				},
			],
		}],
	};
}

/** Alert 3 of search_alert_page1.json: obfuscated JavaScript. */
export function fixtureJsSpec(): SubmissionSpec {
	const f = {
		sha256: '93ca5dd7f6d5f1b401d0b15e89104dd964736134213f276a35f755fb750eaa22', md5: '84d01610223338858aec0263f3e44089',
		sha1: '7d022edcf18130151cfaddf4d61d2c22ad87d3f8', size: 5120, type: 'code/javascript', name: 'setup_helper.js',
	};
	return {
		sid: '2mwPrdUY7QBTviwISmrwXR', files: [f], state: 'completed', submitter: 'svc_soc', generateAlert: true,
		submitted: '2025-03-14T13:51:47.911052Z', completed: '2025-03-14T13:55:05.551093Z', ingestId: '7igrC2DEstj7wiGWNA6cQs',
		metadata: { ingest_id: '7igrC2DEstj7wiGWNA6cQs', source: 'endpoint-agent', ts: '2025-03-14T13:51:47.330912Z', type: 'INGEST' },
		results: [
			{
				service: 'CAPE', version: '4.6.0.stable8', tool_version: '2.4.0', sha256: f.sha256,
				sections: [{
					title_text: 'Benign network traffic', heuristic: { heur_id: 'CAPE.3', name: 'Benign network traffic', score: -100 },
					tags: [{ type: 'network.dynamic.domain', value: 'ctldl.windowsupdate.com' }],
				}],
			},
			{
				service: 'JsJaws', version: '4.6.0.stable14', tool_version: '1.6.2', sha256: f.sha256,
				sections: [
					{
						title_text: 'Obfuscated JavaScript', heuristic: { heur_id: 'JSJAWS.5', name: 'Obfuscated JavaScript', score: 650 },
						tags: [{ type: 'technique.obfuscation', value: 'JSFuck' }],
					},
					{
						title_text: 'Network activity during emulation',
						tags: [
							{ type: 'network.dynamic.domain', value: 'update.example.org' },
							{ type: 'network.dynamic.ip', value: '192.0.2.200' },
							{ type: 'network.dynamic.uri', value: 'http://update.example.org/check?v=2' },
							{ type: 'network.static.domain', value: 'update.example.org' },
							{ type: 'network.static.uri', value: 'http://update.example.org/check?v=2' },
						],
					},
				],
			},
		],
	};
}
