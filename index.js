/**
 * The package entry point for use outside n8n (the build copies this file to dist/index.js, so
 * the paths below are relative to dist/): the pure IoC library (parse, refang, classify, filter,
 * export blocklists) and the node and credential classes. n8n itself loads the files listed in
 * package.json "n8n".
 */
const ioc = require('./nodes/shared/ioc');

module.exports = {
	...ioc,
	ioc,
	AssemblylineApi: require('./credentials/AssemblylineApi.credentials').AssemblylineApi,
	AssemblylineSubmissionIocs: require('./nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node')
		.AssemblylineSubmissionIocs,
	AssemblylineAlertSearch: require('./nodes/AssemblylineAlertSearch/AssemblylineAlertSearch.node').AssemblylineAlertSearch,
	AssemblylineAlertTrigger: require('./nodes/AssemblylineAlertTrigger/AssemblylineAlertTrigger.node').AssemblylineAlertTrigger,
	FilterBlockableIocs: require('./nodes/FilterBlockableIocs/FilterBlockableIocs.node').FilterBlockableIocs,
	ConfirmBlockedIocs: require('./nodes/ConfirmBlockedIocs/ConfirmBlockedIocs.node').ConfirmBlockedIocs,
	IocEnrich: require('./nodes/IocEnrich/IocEnrich.node').IocEnrich,
	BlockOnFirewall: require('./nodes/BlockOnFirewall/BlockOnFirewall.node').BlockOnFirewall,
};
