/**
 * Reading Filter Blockable IoCs' input items: the shape of each (Auto-Detect, an Assemblyline
 * shape, or Custom Fields) and the IoC occurrences it holds.
 */
import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import type { InputShape, OccurrenceSink } from '../shared/ioc';
import { detectShape, extractInto, IocInputError } from '../shared/ioc';
import { asNodeError, errorItem } from '../shared/items';
import { parseParameter } from '../shared/schema';
import * as z from '../shared/zod';
import type { ShapeChoice } from './description';

/** Input Shape "Custom Fields": the names of the fields to read (dots for nested fields). */
const CUSTOM_FIELDS = z.object({
	valueField: z.optional(z.string()),
	typeField: z.optional(z.string()),
	verdictField: z.optional(z.string()),
});

function readCustomFields(
	context: IExecuteFunctions,
	itemIndex: number,
): z.Infer<typeof CUSTOM_FIELDS> {
	const read = (name: string) => context.getNodeParameter(name, itemIndex, '') ?? undefined;
	const fields = {
		valueField: read('valueField'),
		typeField: read('typeField'),
		verdictField: read('verdictField'),
	};
	return parseParameter(context, CUSTOM_FIELDS, fields, {
		displayName: 'Custom Fields',
		itemIndex,
		hint: 'Value Field, Type Field and Verdict Field each take the name of a field of the input item, e.g. indicator or attribute.value.',
	});
}

const SUBMISSION_SHAPES: ReadonlySet<string | null> = new Set([
	'submissionIoc',
	'grouped',
	'summary',
]);

/** A Skipped item for an input item that could not be filtered (the If node's pattern), in both
 * "On Error: Continue" modes: `reason` and `reason_text` first, like every Skipped item, so the
 * analyst reads the failure where the other reasons are. */
export function skippedErrorItem(
	failure: Error & { description?: string | null },
	itemIndex: number,
): INodeExecutionData {
	return errorItem(failure, itemIndex, { reason: 'error', reason_text: failure.message });
}

export interface Extracted {
	/** Items that could not be read, already turned into Skipped items (continueOnFail only). */
	errors: INodeExecutionData[];
	/** The shape each input item was read as (by item index). */
	shapes: Array<InputShape | undefined>;
}

/** Reads every input item into `sink` (the run's IocMerger); an unreadable one fails the node, or
 * with continueOnFail becomes a Skipped item with reason "error" (the If node's pattern), so it is
 * still accounted for. */
export function extractAll(
	context: IExecuteFunctions,
	items: INodeExecutionData[],
	sink: OccurrenceSink,
): Extracted {
	const errors: INodeExecutionData[] = [];
	const shapes: Array<InputShape | undefined> = [];
	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		try {
			shapes[itemIndex] = extractItem(context, items[itemIndex].json, itemIndex, sink);
		} catch (error) {
			const failure =
				error instanceof IocInputError
					? new NodeOperationError(context.getNode(), `Input item ${itemIndex}: ${error.message}`, {
							itemIndex,
						})
					: asNodeError(context, error, itemIndex);
			if (!context.continueOnFail()) throw failure;
			errors.push(skippedErrorItem(failure, itemIndex));
		}
	}
	return { errors, shapes };
}

function extractItem(
	context: IExecuteFunctions,
	json: IDataObject,
	itemIndex: number,
	sink: OccurrenceSink,
): InputShape {
	const choice = context.getNodeParameter('inputShape', itemIndex, 'auto') as ShapeChoice;
	const fields = choice === 'field' ? readCustomFields(context, itemIndex) : {};
	let shape: InputShape;
	if (choice === 'auto') {
		const detected = detectShape(json);
		if (detected === null) {
			throw new IocInputError(
				'This item is not an Assemblyline alert, an AL Submission IoCs item or a submission summary. For other items (a feed, a CSV row), set "Input Shape" to Custom Fields and name the Value Field.',
			);
		}
		shape = detected;
	} else if (choice !== 'submission') shape = choice;
	else {
		const detected = detectShape(json);
		if (!SUBMISSION_SHAPES.has(detected)) {
			throw new IocInputError(
				'This item is not from AL Submission IoCs (an item with "value" and "type", or with an "iocs" object). Choose another input shape, or Auto-Detect.',
			);
		}
		shape = detected as InputShape;
	}
	extractInto(
		json,
		{
			shape,
			valueField: fields.valueField?.trim() || undefined,
			typeField: fields.typeField?.trim() || undefined,
			verdictField: fields.verdictField?.trim() || undefined,
			itemIndex,
		},
		sink,
	);
	return shape;
}
