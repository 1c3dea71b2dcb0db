const MAX_QUOTED = 120;

/** A value quoted for a reason sentence, cut short so a huge value cannot flood a chat message. */
export function quote(value: string): string {
	return JSON.stringify(value.length > MAX_QUOTED ? `${value.slice(0, MAX_QUOTED)}…` : value);
}

/** Text for a value that should have been a string (numbers, objects…), never throwing. */
export function rawText(value: unknown): string {
	if (typeof value === 'string') return value;
	if (value === undefined) return '';
	try {
		return JSON.stringify(value) ?? String(value);
	} catch {
		return Object.prototype.toString.call(value);
	}
}
