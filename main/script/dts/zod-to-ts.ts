/**
 * Renders the INPUT side of a zod schema as TypeScript type text with TSDoc (description, unit,
 * default) on every object field, for the script DSL's generated declarations.
 *
 * Handles the zod constructs the spec schema uses (objects, unions, enums, literals, arrays,
 * records, defaults, optionals, refinements, and the unit-bearing quantity transforms); anything
 * else becomes `unknown` rather than a wrong type. Quantity fields are recognised by which unit
 * they accept, so the schema needs no extra metadata.
 */
import { z } from 'zod';
import type { QuantityKind } from '../../common/units';
import { quantityKindTag } from '../../common/spec/quantity';

/** The name of the generated template-literal type for each quantity kind. */
export const QUANTITY_TYPE: Record<QuantityKind, string> = { bytes: 'ByteSize', duration: 'Duration', bitrate: 'Bitrate', rate: 'Rate' };
const CANONICAL_UNIT: Record<QuantityKind, string> = { bytes: 'bytes', duration: 'ns', bitrate: 'bit/s', rate: 'per second' };
const PROBES: [QuantityKind, string][] = [
  ['bytes', '1KiB'],
  ['duration', '1us'],
  ['bitrate', '1Gbps'],
  ['rate', '1Kpps'],
];

interface FieldInfo {
  description?: string;
  defaultValue?: unknown;
  hasDefault: boolean;
  optional: boolean;
  unit?: QuantityKind;
}

type Any = z.ZodTypeAny;

/** Which quantity kind a schema parses, if it is a unit-bearing quantity. */
export function quantityKindOf(schema: Any): QuantityKind | undefined {
  let s = unwrap(schema);
  while (s instanceof z.ZodEffects && s._def.effect.type === 'refinement') s = s._def.schema as Any;
  const tagged = quantityKindTag(s);
  if (tagged !== undefined) return tagged;
  if (!(s instanceof z.ZodEffects) || s._def.effect.type !== 'transform') return undefined;
  const inner = s._def.schema as Any;
  if (!(inner instanceof z.ZodUnion)) return undefined;
  for (const [kind, probe] of PROBES) if (s.safeParse(probe).success && typeof s.parse(probe) === 'number') return kind;
  return undefined;
}

function unwrap(schema: Any): Any {
  let s = schema;
  for (;;) {
    if (s instanceof z.ZodOptional || s instanceof z.ZodNullable) s = s._def.innerType as Any;
    else if (s instanceof z.ZodDefault) s = s._def.innerType as Any;
    else return s;
  }
}

function fieldInfo(schema: Any): FieldInfo {
  const info: FieldInfo = { hasDefault: false, optional: false };
  let s = schema;
  for (;;) {
    info.description ??= s.description;
    if (s instanceof z.ZodOptional) {
      info.optional = true;
      s = s._def.innerType as Any;
    } else if (s instanceof z.ZodDefault) {
      info.optional = true;
      info.hasDefault = true;
      info.defaultValue = (s._def.defaultValue as () => unknown)();
      s = s._def.innerType as Any;
    } else if (s instanceof z.ZodEffects && s._def.effect.type !== 'transform') {
      s = s._def.schema as Any;
    } else break;
  }
  info.description ??= s.description;
  info.unit = quantityKindOf(s);
  return info;
}

/** TSDoc for one field: its description, unit and default. */
export function fieldDoc(schema: Any, indent: string, extra?: string): string {
  const f = fieldInfo(schema);
  const lines: string[] = [];
  const literal = unwrap(schema);
  if (f.description) lines.push(capitalise(f.description) + '.');
  else if (literal instanceof z.ZodLiteral) lines.push(`Always ${JSON.stringify(literal._def.value)}: selects this variant.`);
  else lines.push('(no description)');
  if (extra) lines.push(extra);
  if (f.unit) lines.push(`Unit: ${CANONICAL_UNIT[f.unit]} as a number, or a string with a unit (${QUANTITY_TYPE[f.unit]}).`);
  if (f.hasDefault) lines.push(`@defaultValue ${JSON.stringify(f.defaultValue)}`);
  else if (f.optional) lines.push('Optional.');
  else lines.push('Required.');
  return `${indent}/**\n${lines.map((l) => `${indent} * ${l}`).join('\n')}\n${indent} */\n`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** How the DSL changes an object's fields: drop some (the DSL sets them), or give one a named type. */
export interface ObjectShaping {
  omit?: readonly string[];
  replace?: Readonly<Record<string, { type: string; optional: boolean; doc: string }>>;
}

/** The quantity kind of a `distributionOf(kind)` schema (a bare quantity or a distribution object). */
export function distributionKindOf(schema: Any): QuantityKind | undefined {
  const s = unwrap(schema);
  if (!(s instanceof z.ZodUnion)) return undefined;
  for (const o of s._def.options as Any[]) {
    if (o instanceof z.ZodEffects && o._def.effect.type === 'transform') {
      const k = quantityKindOf(o._def.schema as Any);
      if (k) return k;
    }
  }
  return undefined;
}

/** The type text of a schema's input. */
export function typeText(schema: Any, indent = '', shaping: ObjectShaping = {}): string {
  const q = quantityKindOf(schema);
  if (q) return `number | ${QUANTITY_TYPE[q]}`;
  const d = distributionKindOf(schema);
  if (d) return `Distribution<${QUANTITY_TYPE[d]}>`;
  const s = schema;
  if (s instanceof z.ZodOptional || s instanceof z.ZodDefault || s instanceof z.ZodNullable) return typeText(s._def.innerType as Any, indent, shaping);
  if (s instanceof z.ZodEffects) return typeText(s._def.schema as Any, indent, shaping);
  if (s instanceof z.ZodObject) return objectText(s, indent, shaping);
  if (s instanceof z.ZodUnion || s instanceof z.ZodDiscriminatedUnion) {
    const options = (s instanceof z.ZodUnion ? s._def.options : [...(s as z.ZodDiscriminatedUnion<string, z.ZodDiscriminatedUnionOption<string>[]>).options]) as Any[];
    return [...new Set(options.map((o) => parenthesise(typeText(o, indent))))].join(' | ');
  }
  if (s instanceof z.ZodEnum) return (s._def.values as string[]).map((v) => JSON.stringify(v)).join(' | ');
  if (s instanceof z.ZodLiteral) return JSON.stringify(s._def.value);
  if (s instanceof z.ZodNumber) return 'number';
  if (s instanceof z.ZodString) return 'string';
  if (s instanceof z.ZodBoolean) return 'boolean';
  if (s instanceof z.ZodArray) return `${parenthesise(typeText(s._def.type as Any, indent))}[]`;
  if (s instanceof z.ZodRecord) return `Record<string, ${typeText(s._def.valueType as Any, indent)}>`;
  return 'unknown';
}

function parenthesise(t: string): string {
  return t.includes(' | ') && !t.startsWith('{') ? `(${t})` : t;
}

function objectText(s: z.ZodObject<z.ZodRawShape>, indent: string, shaping: ObjectShaping): string {
  const inner = indent + '  ';
  const fields = Object.entries(s.shape).filter(([k]) => !(shaping.omit ?? []).includes(k));
  if (fields.length === 0) return '{}';
  const body = fields
    .map(([key, field]) => {
      const r = shaping.replace?.[key];
      if (r) return `${inner}/** ${r.doc} */\n${inner}${safeKey(key)}${r.optional ? '?' : ''}: ${r.type};\n`;
      const f = fieldInfo(field as Any);
      return `${fieldDoc(field as Any, inner)}${inner}${safeKey(key)}${f.optional ? '?' : ''}: ${typeText(field as Any, inner)};\n`;
    })
    .join('');
  return `{\n${body}${indent}}`;
}

function safeKey(k: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k);
}
