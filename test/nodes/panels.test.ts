/**
 * Panel details from a first use in the editor (issue 23 point 4): the AL Alert Trigger explains its
 * output as an info hint by the output (not an orange warning notice) and shows its Fields default
 * whole; every node's icon exists in light and dark, and only nodes that do the same job share one.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { INodeProperties, INodeType } from 'n8n-workflow';

import { AssemblylineAlertTrigger } from '../../nodes/AssemblylineAlertTrigger/AssemblylineAlertTrigger.node';

const repo = path.resolve(__dirname, '../..');
const nodeFiles = (require('../../package.json').n8n.nodes as string[]).map((file) => path.join(repo, file.replace(/^dist\//, '').replace(/\.js$/, '')));

test('AL Alert Trigger: the _trigger.event explanation is an info hint on the output, not a warning notice', () => {
	const description = new AssemblylineAlertTrigger().description;
	expect(description.properties.filter((p) => p.type === 'notice')).toEqual([]);
	const hint = description.hints?.find((h) => h.message.includes('_trigger.event'));
	expect(hint).toMatchObject({ type: 'info', location: 'outputPane' });
});

test('AL Alert Trigger: the Fields default shows whole (two rows)', () => {
	const options = new AssemblylineAlertTrigger().description.properties.find((p) => p.name === 'options')!.options as INodeProperties[];
	const fields = options.find((o) => o.name === 'fields')!;
	expect(String(fields.default).length).toBeGreaterThan(40);
	expect(fields.typeOptions?.rows).toBeGreaterThanOrEqual(2);
});

describe('icons', () => {
	const icons = nodeFiles.map((file) => {
		const module = require(file) as Record<string, unknown>;
		const Node = module[path.basename(file, '.node')] as new () => INodeType;
		const description = new Node().description;
		const icon = description.icon as { light: string; dark: string };
		const resolve = (ref: string) => path.resolve(path.dirname(file), ref.replace(/^file:/, ''));
		return { name: description.displayName, light: resolve(icon.light), dark: resolve(icon.dark) };
	});

	test.each(icons.map((i) => [i.name, i] as const))('%s: light and dark SVGs exist and differ', (_name, icon) => {
		for (const file of [icon.light, icon.dark]) expect(fs.readFileSync(file, 'utf8')).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);
		expect(fs.readFileSync(icon.light, 'utf8')).not.toBe(fs.readFileSync(icon.dark, 'utf8'));
	});

	test('Filter Blockable IoCs and Confirm Blocked IoCs have icons of their own', () => {
		const of = (name: string) => icons.find((i) => i.name === name)!;
		expect(of('Confirm Blocked IoCs').light).not.toBe(of('Filter Blockable IoCs').light);
		expect(of('Confirm Blocked IoCs').dark).not.toBe(of('Filter Blockable IoCs').dark);
	});
});
