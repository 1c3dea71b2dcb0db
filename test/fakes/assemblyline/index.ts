// Public entry point of the fake Assemblyline.
export { startFakeAssemblyline, defaultUsers, DEFAULT_APIKEY, API_SERVER_VERSION } from './server.ts';
export type { FakeAssemblyline, FakeOptions, FakeUser, RecordedRequest } from './server.ts';
export { Dataset, fixturesDataset, mergeDatasets, specFromIocs } from './dataset.ts';
export type { AlertChanges, AlertEntry, FakeWorkflow, IocArg, MakeAlertOptions } from './dataset.ts';
export { generateDataset, generateSubmission, generatedAlertCore } from './generator.ts';
export type { DatasetInput, GenerateOptions, GeneratedAlerts } from './generator.ts';
export { demoDataset, DEMO_ALERTS } from './demo.ts';
export { Faults, FAULT_KINDS } from './faults.ts';
export type { FaultKind, FaultRule } from './faults.ts';
export { BuiltSubmission, alertFromSubmission, scoreVerdict, TAG_GROUPS, VERDICT_RANK } from './model.ts';
export type { SubmissionSpec, ResultSpec, SectionSpec, TagSpec, FileSpec, Verdict, DetailedItem } from './model.ts';
export { compileLucene, parseLucene, LuceneError } from './lucene.ts';
export { SearchEngine, SearchError, MAX_RESULT_WINDOW } from './search.ts';
export { FIXTURE_SID, FIXTURE_ALERT_ID, fixtureStorySpec, loadFixtureFiles } from './fixtures.ts';
export { mulberry32 } from './util.ts';
export { HashList, HashListError, tagQhash, normalizeHashlistItem } from './hashlists.ts';
export type { HashListEntry, HashListName } from './hashlists.ts';
