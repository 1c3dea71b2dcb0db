/**
 * Use outside n8n: the pure IoC library (parse, refang, classify, filter, export blocklists)
 * and the node and credential classes. n8n itself loads the files listed in package.json "n8n".
 */
const ioc = require('./dist/nodes/shared/ioc');

module.exports = {
	...ioc,
	ioc,
	AssemblylineApi: require('./dist/credentials/AssemblylineApi.credentials').AssemblylineApi,
	AssemblylineSubmissionIocs: require('./dist/nodes/AssemblylineSubmissionIocs/AssemblylineSubmissionIocs.node')
		.AssemblylineSubmissionIocs,
};
