// The only door to third-party code: the gulp build bundles this file, so the package ships
// without runtime dependencies.
import ipaddr from 'ipaddr.js';

export { parse as parsePsl } from 'tldts';
export { ipaddr };
