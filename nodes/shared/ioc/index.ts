/**
 * Pure IoC library behind "Filter Blockable IoCs" and "IoC Enrich" (no n8n imports).
 *
 * Pipeline: extractOccurrences (one n8n item → IoC occurrences) → decideIocs (checkBlockable on
 * each value, merge duplicates by type and normalised value, decide Block or Skipped with a
 * reason; precedence in reasons.ts) → [the node's cross-run dedup, holdBack(item,
 * 'already_blocked')] → applyCap → exportBlocklists (plain, Palo Alto EDL, FortiGate, CSV,
 * STIX 2.1; re-checks with isExportable, an item it refuses goes to Skipped as `not_exportable`).
 * checkBlockable is the one definition of "blockable" (refang, parse, normalise, allowlist and
 * hold-back rules): every step that puts IoCs on a list calls it, so they cannot disagree.
 * inspectIoc / detectIocType serve enrichment: type detection plus the non-global and
 * special-use checks, so nothing internal is sent to a third party.
 */
export type {
	FilterResult,
	IocItem,
	IocOccurrence,
	IocSource,
	IocType,
	NetworkType,
	ReasonCode,
	SkippedIoc,
} from './types';
export { IOC_TYPES, intelType, networkType } from './vocabulary';
export { refang } from './refang';
export { parseNetworkValue, typeFromWord, type ParsedIoc, type ParseOutcome } from './parse';
export { checkBlockable, isExportable, type Blockable, type ValueReason } from './blockable';
export {
	VERDICTS,
	normaliseVerdict,
	verdictRank,
	isKnownVerdict,
	type KnownVerdict,
} from './verdict';
export { REASON_PRECEDENCE } from './reasons';
export {
	compileAllowlist,
	compileAllowlistOrThrow,
	type Allowlist,
	type AllowlistError,
} from './allowlist';
export {
	extractOccurrences,
	extractInto,
	detectShape,
	readPath,
	IocInputError,
	type ExtractOptions,
	type InputShape,
	type OccurrenceSink,
} from './extract';
export { IocMerger } from './merge';
export { AlertIocFold, foldAlertPages, type FoldedIoc } from './fold';
export {
	decideIocs,
	decideMerged,
	applyCap,
	inCapOrder,
	filterBlockableIocs,
	holdBack,
	DEFAULT_CAP,
	DEFAULT_MIN_VERDICT,
	type DecideOptions,
} from './decide';
export { inspectIoc, detectIocType, type DetectedIocType, type IocInspection } from './inspect';
export {
	exportBlocklists,
	partitionExportable,
	exportLines,
	exportPlain,
	exportPaloAltoEdl,
	exportFortigate,
	exportCsv,
	exportStix,
	csvCell,
	stixLiteral,
	type Blocklist,
	type ExportFormat,
	type ExportResult,
	type ExportOptions,
	type LineFormat,
} from './export';
