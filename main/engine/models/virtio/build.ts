/**
 * Builds one device's virtio transport from its parameters and the DMA path the topology gives
 * it: negotiates the access flags for the platform, picks the DMA route, the backend's threads,
 * and the device's driver (virtio-blk's request queue; virtio-net uses the generic NIC rings
 * through the transport's map/unmap).
 *
 * Models the platform meaning of the flags (features.ts): a pseries guest (ppc64le host) can go
 * secure under PEF, so NO_IOMMU means something there; on other hosts only a confidential VM
 * gives it one. A confidential VM (TDX, SEV-SNP) refuses a device without ACCESS_PLATFORM at
 * probe (virtio_features_ok: "device must provide VIRTIO_F_ACCESS_PLATFORM"), so its I/O never
 * starts; a PEF guest of the seed-001 era does not check and its I/O fails at the device.
 * NO_IOMMU in a restricted guest bounces through a swiotlb pool of its own (Linux's default size).
 * Does not model: a guest that becomes secure after probe (the route is fixed at probe).
 */
import { Resource, type Environment } from '../../kernel';
import type { Costs } from '../../costs/costs';
import type { Metrics } from '../../metrics/collector';
import type { DmaPath } from '../../dma/path';
import { DirectPath } from '../../dma/direct';
import { SwiotlbBouncer, SwiotlbPath } from '../../dma/swiotlb';
import { defaultAreas, IO_TLB_SIZE, SwiotlbPool } from '../../dma/swiotlb-pool';
import type { VmRuntime } from '../../machine/vm';
import { TopologyError } from '../model';
import { VirtioBlk } from './blk';
import { readVirtioCosts, VIRTIO_COSTS } from './cost-table';
import { FEATURES, FeatureError, negotiate, type DmaRoute, type Feature, type PlatformInfo } from './features';
import type { VirtioParams } from './params';
import { VirtioTransport } from './transport';

export interface BuildInput {
  readonly env: Environment;
  readonly costs: Costs;
  readonly metrics: Metrics;
  note(text: string): void;
  readonly hostArch: string;
  readonly device: { readonly id: string; readonly kind: string; readonly attach: string; readonly workload?: { readonly kind: string; readonly segments?: number } };
  /** JSON path of the device's transport, for errors ("devices[2].transport"). */
  readonly at: string;
  readonly vm: VmRuntime;
  /** The VM's confidential kind ("none", "pef", "tdx", "sev-snp"...). */
  readonly confidential: string;
  readonly path: DmaPath;
  readonly params: VirtioParams;
}

const bouncers = new WeakMap<VmRuntime, SwiotlbBouncer>();

export function platformOf(hostArch: string, confidential: string): PlatformInfo {
  const pseries = hostArch === 'ppc64le';
  const name = pseries ? 'pseries' : hostArch;
  return { name: confidential === 'none' ? name : `${name} (${confidential})`, restrictedMemoryMeaning: pseries || confidential !== 'none', restricted: confidential !== 'none' };
}

/** The features the device offers and the driver accepts, from the parameters. */
export function featureSets(p: VirtioParams): { offered: Set<Feature>; accepted: Set<Feature> } {
  const f = new Set<Feature>([FEATURES.version1, FEATURES.mrgRxbuf]);
  if (p.indirectDesc) f.add(FEATURES.indirectDesc);
  if (p.eventIdx) f.add(FEATURES.eventIdx);
  if (p.accessPlatform) f.add(FEATURES.accessPlatform);
  if (p.noIommu) f.add(FEATURES.noIommu);
  return { offered: f, accepted: new Set(f) };
}

export function buildVirtio(x: BuildInput): VirtioTransport {
  const { env, costs, metrics, vm, params, device } = x;
  if (device.kind !== 'virtio-blk' && device.kind !== 'virtio-net') {
    throw new TopologyError(`${x.at}.kind`, `a virtio transport needs a virtio-blk or virtio-net device, not "${device.kind}"`);
  }
  // How the VMM provides the device is its backend: QEMU's own emulation, or vhost in the host
  // kernel (the spec refuses any other attach for a virtio kind, at devices[].attach).
  const backend = device.attach === 'vhost' ? 'vhost' : 'qemu';
  if (backend === 'vhost' && params.iothread) throw new TopologyError(`${x.at}.params.iothread`, 'an iothread is where QEMU runs its own emulation; a vhost device is served by its vhost worker');
  if (backend === 'vhost' && !params.ioeventfd) throw new TopologyError(`${x.at}.params.ioeventfd`, 'vhost is kicked through an ioeventfd; it cannot be turned off');
  const segments = device.workload?.kind === 'block' ? (device.workload.segments ?? 1) : 1;
  if (device.kind === 'virtio-blk' && segments > params.segMax) {
    throw new TopologyError(`${x.at}.params.segMax`, `device ${device.id}'s requests have ${segments} data segments (workload.segments) but seg_max is ${params.segMax}: the block layer would never build such a request`);
  }
  const platform = platformOf(x.hostArch, x.confidential);
  const { offered, accepted } = featureSets(params);
  let route: DmaRoute;
  try {
    route = negotiate(offered, accepted, platform).route;
  } catch (e) {
    if (e instanceof FeatureError) throw new TopologyError(`${x.at}.params.${e.field}`, e.message);
    throw e;
  }
  const refusedAtProbe = route === 'gpa' && platform.restricted && x.confidential !== 'pef';
  if (refusedAtProbe) x.note(`${device.id}: refused at probe: a ${x.confidential} guest requires VIRTIO_F_ACCESS_PLATFORM (virtio_features_ok), so the device never starts`);
  let dma: DmaPath | null = null;
  if (route === 'platform') dma = x.path;
  else if (route === 'restricted-direct') dma = platform.restricted ? bounceFor(env, costs, metrics, vm) : new DirectPath(costs);
  const vhost = backend === 'vhost';
  const backendThread = vhost ? new Resource(env, `${device.id}.vhost`, 1) : params.iothread ? new Resource(env, `${device.id}.iothread`, 1) : vm.vmmThread;
  const t = new VirtioTransport(env, readVirtioCosts(costs), metrics, dma, {
    deviceId: device.id,
    route,
    backend,
    ioeventfd: vhost || params.ioeventfd,
    queueSize: params.queueSize,
    queues: 1,
    indirect: params.indirectDesc,
    eventIdx: params.eventIdx,
    backendThread,
    vmmThread: vm.vmmThread,
    restricted: () => platform.restricted,
    refusedAtProbe,
    platformPath: x.path,
    note: x.note,
  });
  if (device.kind === 'virtio-blk') t.blockQueue = new VirtioBlk(t, { segMax: params.segMax, sizeMax: Infinity }, () => vm.allocBuffer(4096));
  return t;
}

function bounceFor(env: Environment, costs: Costs, metrics: Metrics, vm: VmRuntime): SwiotlbPath {
  let b = bouncers.get(vm);
  if (b === undefined) {
    const bytes = costs.get(VIRTIO_COSTS.swiotlbBytes);
    const nslabs = Math.floor(bytes / IO_TLB_SIZE);
    // Below the top 64 MiB so it never overlaps a platform pool placed at the top of RAM.
    const base = Math.floor((vm.spec.memory - 2 * bytes) / 65536) * 65536;
    b = new SwiotlbBouncer(env, costs, metrics, new SwiotlbPool(base, bytes, defaultAreas(vm.vcpus.length, nslabs)), `${vm.spec.id}.virtio`);
    bouncers.set(vm, b);
  }
  return new SwiotlbPath(b, env);
}
