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
import { ARCHES, type Arch, type ModelDeclaration, type ModelRole, type ParamsSchema, type VmField } from '../models/declaration';
import { bitrate, bytes, count, duration, identifier, positiveCount } from './quantity';
import { workloadSchema } from './workload';

/** Smallest guest: room for the kernel's first 16 MiB, its IOMMU tables and a 16 MiB buffer (MAX_BUFFER) in the upper half. */
export const MIN_GUEST_MEMORY = 64 * 2 ** 20;
/** Largest guest (16 TiB): the machine holds per-page state only where DMA touches it, but tables scale with RAM. */
export const MAX_GUEST_MEMORY = 16 * 2 ** 40;
/** Longest simulated time (60 s): the work estimate bounds the events inside it. */
export const MAX_DURATION = 60e9;

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

/**
 * Marks an issue raised by a rule between fields (as opposed to a value its own type refuses),
 * so a test can tell "the spec acts on this knob by refusing it here" from "not a valid value".
 */
export const RULE = { rule: 'cross-field' } as const;

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
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `${unknownKind('confidential', kind, kinds, ['none'])} (a kind is accepted once a model for it is registered)` });
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
    base: z.string().optional().describe('profile id in resources/profiles (default: the one for host.arch: kvm-x86-2024, kvm-arm64-kunpeng920, power9-kvm)'),
    overrides: z.record(z.union([z.number(), z.string()])).default({}).describe('parameter name → value'),
  })
  .strict();

export const paramValue = z.union([z.number(), z.string(), z.boolean()]);

/** The profile a spec that names none gets, by host architecture. */
export const DEFAULT_PROFILE: Record<Arch, string> = { x86_64: 'kvm-x86-2024', aarch64: 'kvm-arm64-kunpeng920', ppc64le: 'power9-kvm' };

/** The id a bare-metal host's CPUs and metrics go by (a VM may not take it). */
export const HOST_ID = 'host';

export const DEVICE_KINDS = ['nic', 'nvme', 'gpu', 'dma-engine', 'virtio-net', 'virtio-blk'] as const;
type DeviceKind = (typeof DEVICE_KINDS)[number];

/** Which device kinds run each workload's driver (map-bench and boot: any; dma_map_benchmark binds to any device). */
const WORKLOAD_KINDS: Record<string, readonly DeviceKind[]> = {
  nic: ['nic', 'virtio-net'],
  block: ['nvme', 'virtio-blk'],
};

/** The architecture a spec's host has: as written, else the first one its models exist on, else x86_64. */
function hostArch(written: Arch | undefined, used: readonly [string, ModelDeclaration | undefined][]): Arch {
  return written ?? used.find(([, d]) => d?.arches !== undefined)?.[1]?.arches?.[0] ?? 'x86_64';
}

/** A device's kind: as written, else what its workload's driver is for. */
function deviceKind(d: { kind?: DeviceKind; workload: { kind: string } }): DeviceKind {
  return d.kind ?? (d.workload.kind === 'block' ? 'nvme' : d.workload.kind === 'map-bench' || d.workload.kind === 'trace' ? 'dma-engine' : 'nic');
}

interface DeviceLike {
  id: string;
  vm?: string;
  kind?: DeviceKind;
  attach?: string;
  viommu?: string;
  hostIommu?: string;
  transport?: unknown;
  workload: { kind: string };
}

/** What a device's kind allows: its workloads and its attach (ACCESS_PLATFORM is the virtio transport's: devices[].transport.params). */
function deviceRules(d: DeviceLike, i: number, ctx: z.RefinementCtx): void {
  const kind = deviceKind(d);
  const virtio = kind.startsWith('virtio');
  if (d.vm === undefined) {
    hostDeviceRules(d, i, kind, ctx);
    return;
  }
  if (d.attach === 'native') {
    ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'attach'], message: `attach "native" is the host kernel's own driver of a bare-metal device; device ${d.id} is assigned to VM ${d.vm}` });
  }
  const allowed = WORKLOAD_KINDS[d.workload.kind];
  if (allowed !== undefined && !allowed.includes(kind)) {
    ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'workload', 'kind'], message: `a ${kind} device does not run a ${d.workload.kind} workload (its driver is for ${allowed.join(', ')})` });
  }
  if (d.attach !== undefined && virtio !== (d.attach === 'virtio' || d.attach === 'vhost')) {
    ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'attach'], message: virtio ? `a ${kind} device is provided by a virtio backend: attach "virtio" (QEMU) or "vhost"` : `attach "${d.attach}" needs a virtio device kind (virtio-net, virtio-blk), not ${kind}` });
  }
}

/**
 * A bare-metal device (no `vm`): driven by the host kernel's own driver and DMA API, so it is no
 * virtio device, has no vIOMMU or transport, and `attach` can only be "native".
 */
function hostDeviceRules(d: DeviceLike, i: number, kind: DeviceKind, ctx: z.RefinementCtx): void {
  const allowed = WORKLOAD_KINDS[d.workload.kind];
  if (allowed !== undefined && !allowed.includes(kind)) {
    ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'workload', 'kind'], message: `a ${kind} device does not run a ${d.workload.kind} workload (its driver is for ${allowed.join(', ')})` });
  }
  const refuse = (field: string, why: string): void => ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, field], message: `device ${d.id} is a bare-metal device (no vm): ${why}` });
  if (kind.startsWith('virtio')) refuse('kind', `a ${kind} device is provided by a VMM's virtio backend, which a host has not`);
  if (d.viommu !== undefined) refuse('viommu', 'a vIOMMU belongs to a VM; put the device behind a host IOMMU with hostIommu');
  if (d.attach !== undefined && d.attach !== 'native') refuse('attach', `attach "${d.attach}" is how a VMM provides a device to a guest; the host's own driver is "native"`);
  if (d.transport !== undefined) refuse('transport', 'a device-side transport sits between a guest driver and its VMM');
}

/** The spec schema for the given model declarations (the registry's, or a test's). */
export function buildSpecSchema(decls: Decls) {
  const hostIommuSchema = instanceSchema(decls, 'host-iommu').describe('a physical IOMMU instance');
  const viommuSchema = instanceSchema(decls, 'viommu').describe('a guest-visible IOMMU');
  const hostKinds = byKind(decls, 'host-iommu');
  const viommuKinds = byKind(decls, 'viommu');
  const confKinds = byKind(decls, 'confidential');

  const vmSchema = z
    .object({
      id: identifier(),
      memory: bytes({ min: MIN_GUEST_MEMORY, max: MAX_GUEST_MEMORY }).describe('guest RAM (64 MiB … 16 TiB)'),
      maxMemory: bytes({ min: MIN_GUEST_MEMORY, max: MAX_GUEST_MEMORY }).optional().describe('hot-plug maximum (defaults to memory; at most 16 TiB)'),
      vcpus: positiveCount(1024).default(4).describe('virtual CPUs (1 … 1024)'),
      confidential: confidentialSchema(decls),
      dmaMode: z
        .enum(['strict', 'lazy'])
        .optional()
        .describe('guest dma-iommu invalidation policy (iommu.strict=1 / lazy flush queue); only for a VM with a vIOMMU whose guest driver uses dma-iommu (default strict)'),
      viommus: z.array(viommuSchema).max(16).default([]).describe('guest-visible IOMMUs (at most 16)'),
      /** Not a field: present only to refuse it with a sentence (VMs have no free-form params). */
      params: z.unknown().optional(),
    })
    .strict();

  const deviceSchema = z
    .object({
      id: identifier(),
      vm: identifier().optional().describe('the VM the device is assigned to; omit: a bare-metal device driven by the host kernel (behind hostIommu, or dma-direct)'),
      kind: z
        .enum(DEVICE_KINDS)
        .optional()
        .describe('what the device is: it decides which workloads its driver runs (nic, virtio-net: nic; nvme, virtio-blk: block) and whether it is virtio (default: nvme for a block workload, dma-engine for map-bench and trace, else nic)'),
      attach: z
        .enum(['vfio', 'emulated', 'virtio', 'vhost', 'native'])
        .optional()
        .describe('how the VMM provides the device: assigned with VFIO, emulated by the VMM, a virtio device in the VMM, or a virtio device in vhost; "native" (the only value, and the default, for a bare-metal device): the host kernel\'s own driver (default: native on the host, virtio for virtio kinds, else vfio)'),
      viommu: identifier().optional().describe('the vIOMMU the device sits behind (omit: none, DMA goes direct)'),
      hostIommu: identifier().optional().describe('the physical IOMMU instance the device sits behind'),
      linkBandwidth: bitrate({ min: 1e6, max: 1e13 })
        .optional()
        .describe('device link bandwidth override, e.g. "16GB/s" (1 Mbit/s … 10 Tbit/s; default: profile device.link_bytes_per_ns)'),
      transport: transportSchema(decls),
      workload: workloadSchema.describe('what the device and its guest driver do'),
      params: z.record(z.unknown()).default({}).describe('settings of the device declared by the IOMMU model in its path (its deviceParams)'),
    })
    .strict();

  const hostSchema = z
    .object({
      arch: z
        .enum(ARCHES)
        .optional()
        .describe('host CPU architecture: the models and the cost profile must be for it (default: the one the models exist on, e.g. ppc64le for spapr-tce, else x86_64)'),
      cpus: positiveCount(4096).default(64).describe('host CPUs (1 … 4096): at least the VMs\' vCPUs (overcommit is not modelled); models may size host-side concurrency by it'),
      iommus: z.array(hostIommuSchema).max(64).default([]).describe('physical IOMMU instances (at most 64)'),
      dmaMode: z
        .enum(['strict', 'lazy'])
        .optional()
        .describe('host kernel dma-iommu invalidation policy for bare-metal devices (iommu.strict=1 / lazy flush queue); only with a bare-metal device behind a host IOMMU (default strict)'),
    })
    .strict();

  const specSchema = z
    .object({
      version: z.literal(1).default(1),
      name: z.string().min(1).max(200).default('unnamed'),
      description: z.string().max(10_000).optional(),
      seed: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).default(1),
      duration: duration({ max: MAX_DURATION }).default(10_000_000).describe('simulated time to run (ns; 0 … 60 s); boot-only runs end when boot ends'),
      profile: profileRefSchema.default({}),
      host: hostSchema.default({}),
      vms: z.array(vmSchema).max(1024).default([]).describe('guests (0 … 1024; none: a bare-metal host whose devices have no vm)'),
      devices: z.array(deviceSchema).min(1).max(1024).describe('devices (1 … 1024)'),
      point: z.record(paramValue).default({}).describe('sweep parameter point this spec belongs to'),
      replication: count(100_000).default(0).describe('replication index within its sweep point'),
    })
    .strict()
    .superRefine((spec, ctx) => {
      const vmIds = new Set<string>();
      spec.vms.forEach((vm, i) => {
        if (vmIds.has(vm.id)) ctx.addIssue({ code: 'custom', params: RULE, path: ['vms', i, 'id'], message: `duplicate VM id "${vm.id}"` });
        if (vm.id === HOST_ID) ctx.addIssue({ code: 'custom', params: RULE, path: ['vms', i, 'id'], message: `VM id "${HOST_ID}" is reserved for the bare-metal host (its CPUs and metrics)` });
        vmIds.add(vm.id);
        if (vm.maxMemory !== undefined && vm.maxMemory < vm.memory) {
          ctx.addIssue({ code: 'custom', params: RULE, path: ['vms', i, 'maxMemory'], message: 'maxMemory is smaller than memory' });
        }
        if (vm.params !== undefined) {
          const keys = vm.params !== null && typeof vm.params === 'object' ? Object.keys(vm.params) : [];
          ctx.addIssue({
            code: 'custom',
            params: RULE,
            path: ['vms', i, 'params'],
            message: `VMs take no free-form params${keys.length ? ` (got ${keys.map((k) => `"${k}"`).join(', ')})` : ''}: every VM setting is a declared field, and a model's own settings go in its params (a confidential kind's in confidential: { kind, params })`,
          });
        }
        // A VM field only some models act on is refused where none of the VM's models does.
        const vmModels = [...vm.viommus.map((v) => viommuKinds.get(v.kind)), confKinds.get(vm.confidential.kind)].filter((d) => d !== undefined);
        const fields: [VmField, string][] = [
          ['dmaMode', 'maps through the guest dma-iommu layer, so strict/lazy would change nothing'],
          ['maxMemory', 'sizes anything by the hot-plug maximum, so it would change nothing'],
        ];
        for (const [field, why] of fields) {
          if (vm[field] === undefined || vmModels.some((d) => d.vmFields?.includes(field))) continue;
          const which = vmModels.length ? `its models (${vmModels.map((d) => d.kind).join(', ')})` : 'it has no vIOMMU or confidential model';
          ctx.addIssue({ code: 'custom', params: RULE, path: ['vms', i, field], message: `no model of VM ${vm.id} ${why} (${which})` });
        }
      });
      const vcpus = spec.vms.reduce((s, vm) => s + vm.vcpus, 0);
      if (vcpus > spec.host.cpus) {
        ctx.addIssue({ code: 'custom', params: RULE, path: ['host', 'cpus'], message: `the VMs have ${vcpus} vCPUs but the host has ${spec.host.cpus} CPUs: overcommit is not modelled (a vCPU never waits for a host CPU)` });
      }
      // Each model exists on some host architectures only.
      const used: [string, ModelDeclaration | undefined][] = [
        ...spec.host.iommus.map((h, i): [string, ModelDeclaration | undefined] => [`host.iommus[${i}]`, hostKinds.get(h.kind)]),
        ...spec.vms.flatMap((vm, i) => [
          ...vm.viommus.map((v, j): [string, ModelDeclaration | undefined] => [`vms[${i}].viommus[${j}]`, viommuKinds.get(v.kind)]),
          [`vms[${i}].confidential`, confKinds.get(vm.confidential.kind)] as [string, ModelDeclaration | undefined],
        ]),
      ];
      const arch = hostArch(spec.host.arch, used);
      for (const [where, d] of used) {
        if (d?.arches === undefined || d.arches.includes(arch)) continue;
        ctx.addIssue({ code: 'custom', params: RULE, path: ['host', 'arch'], message: `${where} is a ${d.kind} ${ROLE_WORDS[d.role]} model, which exists on ${d.arches.join(' or ')} hosts, not ${arch}` });
      }
      const hostIds = new Set(spec.host.iommus.map((m) => m.id));
      const devIds = new Set<string>();
      spec.devices.forEach((d, i) => {
        if (devIds.has(d.id)) ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'id'], message: `duplicate device id "${d.id}"` });
        devIds.add(d.id);
        const vm = d.vm === undefined ? undefined : spec.vms.find((v) => v.id === d.vm);
        if (d.vm === undefined) {
          // A bare-metal device: hostDeviceRules (through deviceRules) checks what it may carry.
        } else if (vm === undefined) {
          ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'vm'], message: `no VM with id "${d.vm}"` });
        } else if (d.viommu !== undefined && !vm.viommus.some((v) => v.id === d.viommu)) {
          ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'viommu'], message: `VM "${vm.id}" has no vIOMMU "${d.viommu}"` });
        }
        if (d.hostIommu !== undefined && !hostIds.has(d.hostIommu)) {
          ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'hostIommu'], message: `host has no IOMMU "${d.hostIommu}"` });
        }
        deviceRules(d, i, ctx);
      });
      if (spec.host.dmaMode !== undefined) {
        const behind = spec.devices.some((d) => d.vm === undefined && spec.host.iommus.some((h) => h.id === d.hostIommu && h.kind !== 'none'));
        if (!behind) {
          ctx.addIssue({ code: 'custom', params: RULE, path: ['host', 'dmaMode'], message: 'no bare-metal device (a device with no vm) sits behind a host IOMMU, so the host dma-iommu policy would change nothing' });
        }
      }
    })
    .transform((spec, ctx) => {
      // A device's params belong to the IOMMU model in its path: the vIOMMU, else the host IOMMU.
      let failed = false;
      const devices = spec.devices.map((raw, i) => {
        const kind = deviceKind(raw);
        const d = { ...raw, kind, attach: raw.attach ?? (raw.vm === undefined ? ('native' as const) : kind.startsWith('virtio') ? ('virtio' as const) : ('vfio' as const)) };
        const vm = d.vm === undefined ? undefined : spec.vms.find((v) => v.id === d.vm);
        const viommu = d.viommu !== undefined ? vm?.viommus.find((v) => v.id === d.viommu) : undefined;
        const host = d.hostIommu !== undefined ? spec.host.iommus.find((h) => h.id === d.hostIommu) : undefined;
        const decl = viommu !== undefined ? viommuKinds.get(viommu.kind) : host !== undefined ? hostKinds.get(host.kind) : undefined;
        const schema = decl?.deviceParams;
        if (schema === undefined) {
          if (Object.keys(d.params).length === 0) return d;
          const where = decl === undefined ? `device ${d.id} has no IOMMU in its path` : `the ${decl.kind} model in device ${d.id}'s path declares no device settings`;
          ctx.addIssue({ code: 'custom', params: RULE, path: ['devices', i, 'params'], message: `${where}, so it takes no params (got ${Object.keys(d.params).map((k) => `"${k}"`).join(', ')})` });
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
      const vms = spec.vms.map(({ params: _refused, ...vm }) => vm);
      const arch = hostArch(spec.host.arch, [
        ...spec.host.iommus.map((h): [string, ModelDeclaration | undefined] => ['', hostKinds.get(h.kind)]),
        ...spec.vms.flatMap((vm) => [...vm.viommus.map((v): [string, ModelDeclaration | undefined] => ['', viommuKinds.get(v.kind)]), ['', confKinds.get(vm.confidential.kind)] as [string, ModelDeclaration | undefined]]),
      ]);
      const host = { ...spec.host, arch };
      const profile = { ...spec.profile, base: spec.profile.base ?? DEFAULT_PROFILE[arch] };
      return failed ? z.NEVER : { ...spec, host, profile, vms, devices };
    });

  return { specSchema, hostIommuSchema, viommuSchema, vmSchema, deviceSchema, hostSchema };
}

type Schemas = ReturnType<typeof buildSpecSchema>;
/** A spec as written (units as strings allowed, defaults omitted). */
export type SpecInput = z.input<Schemas['specSchema']>;
/** A validated spec: canonical units, defaults filled. */
export type Spec = z.output<Schemas['specSchema']>;
export type VmSpec = Spec['vms'][number];
export type DeviceSpec = Spec['devices'][number];
export type HostIommuSpec = z.output<Schemas['hostIommuSchema']>;
export type ViommuSpec = z.output<Schemas['viommuSchema']>;
export type ConfidentialSpec = VmSpec['confidential'];
export type TransportSpec = NonNullable<DeviceSpec['transport']>;
