/**
 * The sPAPR TCE vIOMMU ('spapr-tce'): a pseries guest's PCI host bridge with TCE tables, the
 * default DMA window and dynamic DMA windows, TCE hypercalls handled in QEMU or KVM, and secure
 * (PEF) guests ('pef', the confidential kind whose behaviour lives here: ultravisor sharing,
 * swiotlb bounce). See phb.ts for the boot sequence, device-path.ts for per-I/O behaviour.
 *
 * Models: one PHB per vIOMMU instance; every device behind it shares its windows (one PE). Whether
 * a virtio device's buffers use this path at all is its transport's business (models/virtio:
 * without VIRTIO_F_ACCESS_PLATFORM they bypass it; the PHB's per-device setup happens regardless).
 * Does not model: EEH, PHB hot-plug, VFIO's host-side copy of the tables; a PEF guest without
 * an sPAPR vIOMMU (refused: its DMA path is the sPAPR one).
 */
import { z } from '../../../common/models/params-kit';
import type { DeviceSpec } from '../../../common/spec';
import type { VmRuntime } from '../../machine/vm';
import { defineModel, TopologyError } from '../model';
import { SPAPR_COSTS } from './costs';
import { SpaprDevicePath } from './device-path';
import { SPAPR_METRICS } from './metrics';
import { spaprDeviceParams, spaprTceParams } from './params';
import { SpaprPhb } from './phb';
import { SecureGuest } from './secure-guest';

export const spaprTce = defineModel({
  kind: 'spapr-tce',
  role: 'viommu',
  summary: 'sPAPR PHB with TCE tables, a default DMA window and dynamic DMA windows, TCE hypercalls (POWER, pseries)',
  params: spaprTceParams,
  deviceParams: spaprDeviceParams,
  arches: ['ppc64le'],
  vmFields: ['maxMemory'],
  costs: [SPAPR_COSTS],
  metrics: [SPAPR_METRICS],
  create(ctx, params, at) {
    const spec = at.spec;
    // PHB index from the vIOMMU's position in the spec, so LIOBNs never depend on what ran before.
    const phbIndex = Math.max(0, ctx.spec.vms.flatMap((v) => v.viommus).indexOf(spec)) % 256;
    let phb: SpaprPhb | null = null;
    let bouncer: SecureGuest | null = null;
    return {
      id: spec.id,
      attach(device: DeviceSpec, vm: VmRuntime) {
        const vmIndex = ctx.spec.vms.findIndex((v) => v.id === vm.spec.id);
        const conf = vm.spec.confidential.kind;
        if (conf !== 'none' && conf !== 'pef') {
          throw new TopologyError(`vms[${vmIndex}].confidential`, `a ${conf} guest cannot sit behind an sPAPR PHB (only "pef" secure guests run on POWER)`);
        }
        const secure = conf === 'pef';
        if (phb === null) {
          phb = new SpaprPhb(`${vm.spec.id}/${spec.id}`, ctx.env, ctx.costs, ctx.metrics, params, vm, ctx.spec.host.cpus, phbIndex, secure, (t) => ctx.note(t));
        }
        if (secure && bouncer === null) bouncer = SecureGuest.of(ctx.env, ctx.costs, ctx.metrics, vm, params.swiotlbSize, params.guestPageSize);
        return new SpaprDevicePath(phb, device, spaprDeviceParams.parse(device.params), secure ? bouncer!.bouncer : null);
      },
      finish() {
        phb?.finish();
        bouncer?.bouncer.finish();
      },
    };
  },
});

/**
 * vms[].confidential "pef": a POWER secure guest under the ultravisor. Its behaviour is the sPAPR
 * secure-guest path (secure-guest.ts, the H_PUT_TCE-only mapping of guest-tce.ts, the shared
 * swiotlb pool), which the spapr-tce vIOMMU applies to the devices of a PEF VM; this declaration
 * makes the kind known and refuses a PEF VM that has no sPAPR vIOMMU for it to act through.
 */
export const pef = defineModel({
  kind: 'pef',
  role: 'confidential',
  summary: 'POWER Protected Execution Facility secure guest (ultravisor): sPAPR TCE mapping restrictions, shared swiotlb bounce',
  params: z.object({}),
  arches: ['ppc64le'],
  costs: [SPAPR_COSTS],
  metrics: [SPAPR_METRICS],
  create(_ctx, _params, at) {
    if (!at.vm.viommus.some((v) => v.kind === 'spapr-tce')) {
      throw new TopologyError(at.path, `a PEF secure guest is modelled through its sPAPR PHB; VM ${at.vm.id} has no spapr-tce vIOMMU`);
    }
    return { wrap: (_device, _vm, path) => path };
  },
});
