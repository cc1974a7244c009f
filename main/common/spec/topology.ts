/**
 * The topology spec: host, physical IOMMU instances, VMs with their vIOMMUs, devices and their
 * workloads, run length, seed, cost profile and overrides. One schema, used by the CLI, the
 * script sandbox's host side, the engine and the renderer.
 *
 * Model-specific settings live in `params`, validated by the schema each model registers
 * (model-params.ts), so adding a model never reshapes this file.
 */
import { z } from 'zod';
import { hostIommuKinds, viommuKinds, type ModelParamsEntry } from './model-params';
import { bytes, duration, identifier, positiveCount } from './quantity';
import { workloadSchema } from './workload';

function modelParams(registry: Record<string, ModelParamsEntry>, what: string) {
  return z
    .object({ id: identifier(), kind: z.string(), params: z.record(z.unknown()).default({}) })
    .passthrough()
    .transform((v, ctx) => {
      const entry = registry[v.kind];
      if (entry === undefined) {
        const known = Object.keys(registry).sort();
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          path: ['kind'],
          message: `unknown ${what} kind "${v.kind}"; known kinds: ${known.length ? known.join(', ') : '(none)'}`,
        });
        return z.NEVER;
      }
      const parsed = entry.schema.strict().safeParse(v.params);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['params', ...issue.path] });
        return z.NEVER;
      }
      return { ...v, params: parsed.data as Record<string, unknown> };
    });
}

export const hostIommuSchema = modelParams(hostIommuKinds, 'host IOMMU').describe('a physical IOMMU instance');

export const viommuSchema = modelParams(viommuKinds, 'vIOMMU').describe('a guest-visible IOMMU');

export const vmSchema = z
  .object({
    id: identifier(),
    memory: bytes().describe('guest RAM'),
    maxMemory: bytes().optional().describe('hot-plug maximum (defaults to memory)'),
    vcpus: positiveCount().default(4).describe('virtual CPUs'),
    confidential: z.enum(['none', 'tdx', 'sev-snp', 'pef']).default('none').describe('confidential-computing kind'),
    dmaMode: z
      .enum(['strict', 'lazy'])
      .default('strict')
      .describe('guest DMA-API invalidation policy when behind an IOMMU (iommu.strict=1 / lazy flush queue)'),
    viommus: z.array(viommuSchema).default([]),
    params: z.record(z.unknown()).default({}).describe('guest-side settings models read (e.g. firmware features)'),
  })
  .strict();

export const deviceSchema = z
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
    workload: workloadSchema.describe('what the device and its guest driver do'),
    params: z.record(z.unknown()).default({}).describe('device-side settings models read'),
  })
  .strict();

export const hostSchema = z
  .object({
    arch: z.enum(['x86_64', 'aarch64', 'ppc64le']).default('x86_64').describe('host CPU architecture'),
    cpus: positiveCount().default(64).describe('host CPUs'),
    iommus: z.array(hostIommuSchema).default([]),
  })
  .strict();

export const profileRefSchema = z
  .object({
    base: z.string().default('kvm-x86-2024').describe('profile id in resources/profiles'),
    overrides: z.record(z.union([z.number(), z.string()])).default({}).describe('parameter name → value'),
  })
  .strict();

export const paramValue = z.union([z.number(), z.string(), z.boolean()]);

export const specSchema = z
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
  });

/** A spec as written (units as strings allowed, defaults omitted). */
export type SpecInput = z.input<typeof specSchema>;
/** A validated spec: canonical units, defaults filled. */
export type Spec = z.output<typeof specSchema>;
export type VmSpec = z.output<typeof vmSchema>;
export type DeviceSpec = z.output<typeof deviceSchema>;
export type HostIommuSpec = z.output<typeof hostIommuSchema>;
export type ViommuSpec = z.output<typeof viommuSchema>;
