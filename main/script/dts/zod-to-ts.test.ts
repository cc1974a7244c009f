import { test } from 'node:test';
import assert from 'node:assert/strict';
import { z } from 'zod';
import { bitrate, bytes, duration, rate } from '../../common/spec/quantity';
import { distributionOf } from '../../common/spec/distribution';
import { distributionKindOf, quantityKindOf, typeText } from './zod-to-ts';

test('quantity fields are recognised by the unit they accept', () => {
  assert.equal(quantityKindOf(bytes()), 'bytes');
  assert.equal(quantityKindOf(duration().default(0)), 'duration');
  assert.equal(quantityKindOf(bitrate().optional()), 'bitrate');
  assert.equal(quantityKindOf(rate()), 'rate');
  assert.equal(quantityKindOf(z.number()), undefined);
  assert.equal(quantityKindOf(z.string().transform((s) => s.length)), undefined);
  assert.equal(distributionKindOf(distributionOf('duration')), 'duration');
  assert.equal(distributionKindOf(bytes()), undefined);
});

test('objects render with optional-ness, unit and default in TSDoc', () => {
  const schema = z.object({
    size: bytes().default(4096).describe('bytes per thing'),
    mode: z.enum(['a', 'b']).describe('which mode'),
    when: duration().optional().describe('how long'),
    kind: z.literal('x'),
    tags: z.array(z.string()).default([]).describe('labels'),
  });
  const text = typeText(schema);
  assert.match(text, /\* Bytes per thing\.\n\s+\* Unit: bytes as a number, or a string with a unit \(ByteSize\)\.\n\s+\* @defaultValue 4096\n\s+\*\/\n\s+size\?: number \| ByteSize;/);
  assert.match(text, /\* Which mode\.\n\s+\* Required\.\n\s+\*\/\n\s+mode: "a" \| "b";/);
  assert.match(text, /when\?: number \| Duration;/);
  assert.match(text, /Always "x": selects this variant\.[\s\S]*kind: "x";/);
  assert.match(text, /tags\?: string\[\];/);
  assert.equal(typeText(schema, '', { omit: ['size', 'mode', 'when', 'kind'] }).includes('size'), false);
});
