/**
 * The topology spec: host, physical IOMMU instances, VMs with their vIOMMUs, devices and their
 * workloads, run length, seed, cost profile and overrides. One schema, built from the model
 * registry by `buildSpecSchema` (main/engine/catalog.ts calls it with the registered models'
 * declarations) and used by the CLI, the script host, the API and the engine.
 *
 * Model-specific settings live in `params`, validated by the schema of the model named by `kind`
 * (a device's `params` by the `deviceParams` of the IOMMU model in its path), so adding a model
 * never reshapes this file.
 */
import { z } from 'zod';
import type { ModelDeclaration, ModelRole, ParamsSchema } from '../models/declaration';
import { bytes, duration, identifier, positiveCount } from './quantity';
import { workloadSchema } from './workload';

type Decls = readonly ModelDeclaration[];

const ROLE_WORDS: Record<ModelRole, string> = {
  'host-iommu': 'host IOMMU',
  viommu: 'vIOMMU',
  confidential: 'confidential-computing',
  transport: 'device transport',
};

function byKind(decls: Decls, role: ModelRole): Map<string, ModelDeclaration> {
  const m = new Map<string, ModelDeclaration>();
  for (const d of decls) if (d.role === role) m.set(d.kind, d);
  return m;
}

function unknownKind(role: ModelRole, kind: string, kinds: Map<string, ModelDeclaration>, extra: string[] = []): string {
  const known = [...extra, ...[...kinds.keys()].sort()];
  return `unknown ${ROLE_WORDS[role]} kind "${kind}"; known kinds: ${known.length ? known.join(', ') : '(none registered)'}`;
}

type Params = Record<string, unknown>;

/** Parses `params` with a model's schema (strict: a misspelt field is an error), issues under `at`. */
function parseParams(schema: ParamsSchema, params: unknown, ctx: z.RefinementCtx, at: (string | number)[]): Params | null {
  const parsed = schema.strict().safeParse(params ?? {});
  if (!parsed.success) {
    for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: [...at, ...issue.path] });
    return null;
  }
  return parsed.data as Params;
}

/** `{ id, kind, params }` of a registered kind of `role`. */
function instanceSchema(decls: Decls, role: 'host-iommu' | 'viommu') {
  const kinds = byKind(decls, role);
  return z
    .object({ id: identifier(), kind: z.string(), params: z.record(z.unknown()).default({}) })
    .strict()
    .transform((v, ctx) => {
      const d = kinds.get(v.kind);
      if (d === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kind'], message: unknownKind(role, v.kind, kinds) });
        return z.NEVER;
      }
      const params = parseParams(d.params, v.params, ctx, ['params']);
      return params === null ? z.NEVER : { ...v, params };
    });
}

/** vms[].confidential: "none", a registered confidential kind, or { kind, params }. */
function confidentialSchema(decls: Decls) {
  const kinds = byKind(decls, 'confidential');
  return z
    .union([z.string(), z.object({ kind: z.string(), params: z.record(z.unknown()).default({}) }).strict()])
    .default('none')
    .transform((v, ctx): { kind: string; params: Params } => {
      const kind = typeof v === 'string' ? v : v.kind;
      if (kind === 'none') return { kind: 'none', params: {} };
      const d = kinds.get(kind);
      if (d === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: unknownKind('confidential', kind, kinds, ['none']) });
        return z.NEVER;
      }
      const params = parseParams(d.params, typeof v === 'string' ? {} : v.params, ctx, typeof v === 'string' ? [] : ['params']);
      return params === null ? z.NEVER : { kind, params };
    })
    .describe('confidential-computing kind of the VM: "none", or a registered kind (e.g. "pef"), optionally as { kind, params }');
}

/** devices[].transport: { kind, params } of a registered transport model. */
function transportSchema(decls: Decls) {
  const kinds = byKind(decls, 'transport');
  return z
    .object({ kind: z.string(), params: z.record(z.unknown()).default({}) })
    .strict()
    .transform((v, ctx): { kind: string; params: Params } => {
      const d = kinds.get(v.kind);
      if (d === undefined) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, path: ['kind'], message: unknownKind('transport', v.kind, kinds) });
        return z.NEVER;
      }
      const params = parseParams(d.params, v.params, ctx, ['params']);
      return params === null ? z.NEVER : { kind: v.kind, params };
    })
    .optional()
    .describe('the device-side transport model and its parameters; omit: the driver uses the guest DMA API directly');
}

export const profileRefSchema = z
  .object({
    base: z.string().default('kvm-x86-2024').describe('profile id in resources/profiles'),
    overrides: z.record(z.union([z.number(), z.string()])).default({}).describe('parameter name → value'),
  })
  .strict();

export const paramValue = z.union([z.number(), z.string(), z.boolean()]);

/** The spec schema for the given model declarations (the registry's, or a test's). */
export function buildSpecSchema(decls: Decls) {
  const hostIommuSchema = instanceSchema(decls, 'host-iommu').describe('a physical IOMMU instance');
  const viommuSchema = instanceSchema(decls, 'viommu').describe('a guest-visible IOMMU');
  const hostKinds = byKind(decls, 'host-iommu');
  const viommuKinds = byKind(decls, 'viommu');

  const vmSchema = z
    .object({
      id: identifier(),
      memory: bytes().describe('guest RAM'),
      maxMemory: bytes().optional().describe('hot-plug maximum (defaults to memory)'),
      vcpus: positiveCount().max(4096).default(4).describe('virtual CPUs (at most KVM_MAX_VCPUS = 4096)'),
      confidential: confidentialSchema(decls),
      dmaMode: z
        .enum(['strict', 'lazy'])
        .default('strict')
        .describe('guest DMA-API invalidation policy when behind an IOMMU (iommu.strict=1 / lazy flush queue)'),
      viommus: z.array(viommuSchema).default([]),
    })
    .strict();

  const deviceSchema = z
    .object({
      id: identifier(),
      vm: identifier().describe('the VM the device is assigned to'),
      kind: z.enum(['nic', 'nvme', 'gpu', 'dma-engine', 'virtio-net', 'virtio-blk']).default('nic').describe('what the device is'),
      attach: z
        .enum(['vfio', 'emulated', 'vhost', 'virtio'])
        .default('vfio')
        .describe('how the VMM provides the device: assigned with VFIO, emulated by the VMM, vhost, or virtio in the VMM'),
      viommu: identifier().optional().describe('the vIOMMU the device sits behind (omit: none, DMA goes direct)'),
      hostIommu: identifier().optional().describe('the physical IOMMU instance the device sits behind'),
      accessPlatform: z.boolean().default(true).describe('virtio: VIRTIO_F_ACCESS_PLATFORM negotiated (DMA goes through the platform DMA API)'),
      linkBandwidth: z
        .union([z.number(), z.string()])
        .optional()
        .describe('device link bandwidth override, e.g. "16GB/s" (default: profile device.link_bytes_per_ns)'),
      transport: transportSchema(decls),
      workload: workloadSchema.describe('what the device and its guest driver do'),
      params: z.record(z.unknown()).default({}).describe('settings of the device declared by the IOMMU model in its path (its deviceParams)'),
    })
    .strict();

  const hostSchema = z
    .object({
      arch: z.enum(['x86_64', 'aarch64', 'ppc64le']).default('x86_64').describe('host CPU architecture'),
      cpus: positiveCount().default(64).describe('host CPUs'),
      iommus: z.array(hostIommuSchema).default([]),
    })
    .strict();

  const specSchema = z
    .object({
      version: z.literal(1).default(1),
      name: z.string().min(1).max(200).default('unnamed'),
      description: z.string().max(10_000).optional(),
      seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
      duration: duration().default(10_000_000).describe('simulated time to run (ns); boot-only runs end when boot ends'),
      profile: profileRefSchema.default({}),
      host: hostSchema.default({}),
      vms: z.array(vmSchema).min(1),
      devices: z.array(deviceSchema).min(1),
      point: z.record(paramValue).default({}).describe('sweep parameter point this spec belongs to'),
      replication: z.number().int().nonnegative().default(0).describe('replication index within its sweep point'),
    })
    .strict()
    .superRefine((spec, ctx) => {
      const vmIds = new Set<string>();
      spec.vms.forEach((vm, i) => {
        if (vmIds.has(vm.id)) ctx.addIssue({ code: 'custom', path: ['vms', i, 'id'], message: `duplicate VM id "${vm.id}"` });
        vmIds.add(vm.id);
        if (vm.maxMemory !== undefined && vm.maxMemory < vm.memory) {
          ctx.addIssue({ code: 'custom', path: ['vms', i, 'maxMemory'], message: 'maxMemory is smaller than memory' });
        }
      });
      const hostIds = new Set(spec.host.iommus.map((m) => m.id));
      const devIds = new Set<string>();
      spec.devices.forEach((d, i) => {
        if (devIds.has(d.id)) ctx.addIssue({ code: 'custom', path: ['devices', i, 'id'], message: `duplicate device id "${d.id}"` });
        devIds.add(d.id);
        const vm = spec.vms.find((v) => v.id === d.vm);
        if (vm === undefined) {
          ctx.addIssue({ code: 'custom', path: ['devices', i, 'vm'], message: `no VM with id "${d.vm}"` });
        } else if (d.viommu !== undefined && !vm.viommus.some((v) => v.id === d.viommu)) {
          ctx.addIssue({ code: 'custom', path: ['devices', i, 'viommu'], message: `VM "${vm.id}" has no vIOMMU "${d.viommu}"` });
        }
        if (d.hostIommu !== undefined && !hostIds.has(d.hostIommu)) {
          ctx.addIssue({ code: 'custom', path: ['devices', i, 'hostIommu'], message: `host has no IOMMU "${d.hostIommu}"` });
        }
      });
    })
    .transform((spec, ctx) => {
      // A device's params belong to the IOMMU model in its path: the vIOMMU, else the host IOMMU.
      let failed = false;
      const devices = spec.devices.map((d, i) => {
        const vm = spec.vms.find((v) => v.id === d.vm);
        const viommu = d.viommu !== undefined ? vm?.viommus.find((v) => v.id === d.viommu) : undefined;
        const host = d.hostIommu !== undefined ? spec.host.iommus.find((h) => h.id === d.hostIommu) : undefined;
        const decl = viommu !== undefined ? viommuKinds.get(viommu.kind) : host !== undefined ? hostKinds.get(host.kind) : undefined;
        const schema = decl?.deviceParams;
        if (schema === undefined) {
          if (Object.keys(d.params).length === 0) return d;
          const where = decl === undefined ? `device ${d.id} has no IOMMU in its path` : `the ${decl.kind} model in device ${d.id}'s path declares no device settings`;
          ctx.addIssue({ code: 'custom', path: ['devices', i, 'params'], message: `${where}, so it takes no params (got ${Object.keys(d.params).map((k) => `"${k}"`).join(', ')})` });
          failed = true;
          return d;
        }
        const params = parseParams(schema, d.params, ctx, ['devices', i, 'params']);
        if (params === null) {
          failed = true;
          return d;
        }
        return { ...d, params };
      });
      return failed ? z.NEVER : { ...spec, devices };
    });

  return { specSchema, hostIommuSchema, viommuSchema, vmSchema, deviceSchema, hostSchema };
}

type Schemas = ReturnType<typeof buildSpecSchema>;
/** A spec as written (units as strings allowed, defaults omitted). */
export type SpecInput = z.input<Schemas['specSchema']>;
/** A validated spec: canonical units, defaults filled. */
export type Spec = z.output<Schemas['specSchema']>;
export type VmSpec = z.output<Schemas['vmSchema']>;
export type DeviceSpec = z.output<Schemas['deviceSchema']>;
export type HostIommuSpec = z.output<Schemas['hostIommuSchema']>;
export type ViommuSpec = z.output<Schemas['viommuSchema']>;
export type ConfidentialSpec = VmSpec['confidential'];
export type TransportSpec = NonNullable<DeviceSpec['transport']>;
