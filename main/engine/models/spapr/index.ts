/**
 * The sPAPR TCE vIOMMU ('spapr-tce'): a pseries guest's PCI host bridge with TCE tables, the
 * default DMA window and dynamic DMA windows, TCE hypercalls handled in QEMU or KVM, and secure
 * (PEF) guests. See phb.ts for the boot sequence, device-path.ts for per-I/O behaviour.
 *
 * Models: one PHB per vIOMMU instance; every device behind it shares its windows (one PE); a
 * virtio device without VIRTIO_F_ACCESS_PLATFORM bypasses it (seed 001).
 * Does not model: EEH, PHB hot-plug, VFIO's host-side copy of the tables.
 */
import { spaprTceParams } from '../../../common/spec/models/spapr';
import type { DeviceSpec, ViommuSpec } from '../../../common/spec';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError, type IommuInstance, type IommuModel, type ModelContext } from '../model';
import { DirectPath } from '../../dma/direct';
import { SpaprDevicePath } from './device-path';
import { SpaprPhb } from './phb';
import { SecureGuest } from './secure-guest';

export const spaprModel: IommuModel<ViommuSpec> = {
  kind: 'spapr-tce',
  role: 'viommu',
  create(ctx: ModelContext, spec: ViommuSpec): IommuInstance {
    const params = spaprTceParams.parse(spec.params);
    // PHB index from the vIOMMU's position in the spec, so LIOBNs never depend on what ran before.
    const phbIndex = Math.max(0, ctx.spec.vms.flatMap((v) => v.viommus).indexOf(spec)) % 256;
    let phb: SpaprPhb | null = null;
    let bouncer: SecureGuest | null = null;
    return {
      id: spec.id,
      attach(device: DeviceSpec, vm: VmRuntime) {
        const vmIndex = ctx.spec.vms.findIndex((v) => v.id === vm.spec.id);
        const conf = vm.spec.confidential;
        if (conf !== 'none' && conf !== 'pef') {
          throw new TopologyError(`vms[${vmIndex}].confidential`, `a ${conf} guest cannot sit behind an sPAPR PHB (only "pef" secure guests run on POWER)`);
        }
        if (ctx.spec.host.arch !== 'ppc64le') ctx.note(`${spec.id}: sPAPR vIOMMU on a host declared ${ctx.spec.host.arch}; costs come from the profile regardless`);
        const secure = conf === 'pef';
        const devIndex = ctx.spec.devices.indexOf(device);
        if (device.kind.startsWith('virtio') && !device.accessPlatform) {
          // Seed 001: without VIRTIO_F_ACCESS_PLATFORM the driver hands the device guest-physical
          // addresses and bypasses the DMA API, so no TCE is involved; a secure guest refuses it.
          if (secure) throw new TopologyError(`devices[${devIndex}].accessPlatform`, 'a secure (PEF) guest needs VIRTIO_F_ACCESS_PLATFORM: its memory is not host-accessible outside the shared swiotlb pool');
          ctx.note(`${device.id}: virtio without ACCESS_PLATFORM bypasses the sPAPR IOMMU (guest-physical addresses, all RAM reachable)`);
          return new DirectPath(ctx.costs);
        }
        if (phb === null) {
          phb = new SpaprPhb(`${vm.spec.id}/${spec.id}`, ctx.env, ctx.costs, ctx.metrics, params, vm, ctx.spec.host.cpus, phbIndex, secure, (t) => ctx.note(t));
        }
        if (secure && bouncer === null) bouncer = SecureGuest.of(ctx.env, ctx.costs, ctx.metrics, vm, params.swiotlbSize, params.guestPageSize);
        return new SpaprDevicePath(phb, device, secure ? bouncer!.bouncer : null);
      },
      finish() {
        phb?.finish();
        bouncer?.bouncer.finish();
      },
    };
  },
};
