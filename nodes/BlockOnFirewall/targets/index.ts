/** The targets the node can push to, by id (the Target parameter's values). */
import { cloudflare } from './cloudflare';
import { crowdstrike } from './crowdstrike';
import { defender } from './defender';
import { fortigate } from './fortigate';
import { opnsense } from './opnsense';
import { panos } from './panos';
import type { Target } from './types';

export const TARGETS: Record<string, Target> = {
	panos,
	defender,
	opnsense,
	crowdstrike,
	fortigate,
	cloudflare,
};
