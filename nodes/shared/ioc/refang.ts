// Defanging conventions (ninoseki/ioc-extractor's table) plus copy/paste debris. One alternation
// of fixed strings: linear on any input, no backtracking.
const DEFANG_TOKEN =
	/\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\)|\{dot\}|\\\.|\[:\/\/\]|\[:\]|\[\/\]|\[@\]|\[at\]|\(at\)|[\u3002\uFF0E\uFF61]|[\u200B-\u200D\u2060\uFEFF]/gi;
const MAY_BE_DEFANGED = /[[({\\\u3002\uFF0E\uFF61\u200B-\u200D\u2060\uFEFF]/;
// `fxp`/`hxxp` only count as a scheme when a separator follows, so `fxp.com` stays a domain.
const DEFANGED_SCHEME = /^(hxxps|hxxp|fxp)(?=:|\[:)/i;
const SCHEME_FIX: Readonly<Record<string, string>> = { hxxps: 'https', hxxp: 'http', fxp: 'ftp' };

const FULL_WIDTH_DOTS = '\u3002\uFF0E\uFF61';
const REPLACEMENT: Readonly<Record<string, string>> = {
	'[://]': '://',
	'[:]': ':',
	'[/]': '/',
	'[@]': '@',
	'[at]': '@',
	'(at)': '@',
};

function refangToken(token: string): string {
	if (token.length === 1) return FULL_WIDTH_DOTS.includes(token) ? '.' : ''; // else a zero-width char
	return REPLACEMENT[token.toLowerCase()] ?? '.';
}

/** Undo defanging (`hxxps[:]//evil[.]com` → `https://evil.com`); leaves anything else as it is. */
export function refang(value: string): string {
	let result = MAY_BE_DEFANGED.test(value) ? value.replace(DEFANG_TOKEN, refangToken) : value;
	const scheme = DEFANGED_SCHEME.exec(result);
	if (scheme) result = SCHEME_FIX[scheme[1].toLowerCase()] + result.slice(scheme[1].length);
	return result;
}

// Whitespace (incl. Unicode spaces), bidi controls and marks; C0/C1 controls and DEL are
// checked by code point below (a regex range over controls trips the linter).
const FORBIDDEN_CHAR = /[\s\u061C\u180E\u200E\u200F\u202A-\u202E\u2066-\u2069]/;

/** True when a value carries characters no blockable IoC may contain. */
export function hasForbiddenChar(value: string): boolean {
	for (let i = 0; i < value.length; i++) {
		const code = value.charCodeAt(i);
		if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) return true;
	}
	return FORBIDDEN_CHAR.test(value);
}
