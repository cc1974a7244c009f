/**
 * virtio feature negotiation at probe, and what the negotiated access flags mean on a platform.
 *
 * Models: the device offers features, the driver accepts the subset it knows (virtio spec §2.2,
 * §3.1.1: FEATURES_OK); VIRTIO_F_ACCESS_PLATFORM (bit 33) and the flag proposed in seed 001,
 * VIRTIO_F_ACCESS_PLATFORM_NO_IOMMU ("an error to set both"; no bit number was ever assigned,
 * so features are named, not numbered). The DMA route a driver takes follows from the accepted
 * flags and the platform:
 * - neither flag: guest-physical addresses, no DMA API (vring_use_dma_api() is false);
 * - ACCESS_PLATFORM: the platform DMA ops — whatever the topology puts in front of the device
 *   (a vIOMMU's per-map work, TCEs on pSeries with no way to bypass them, swiotlb in a secure
 *   guest or a CVM, plain dma-direct otherwise);
 * - NO_IOMMU: restricted access without translation: dma-direct, bouncing through swiotlb when
 *   the guest's memory is not host-accessible.
 * NO_IOMMU only means something where guest memory can be restricted (a pSeries guest that may
 * go secure under PEF, or a confidential VM); elsewhere it is refused.
 * Does not model: the other feature bits' semantics beyond ring layout (INDIRECT_DESC,
 * EVENT_IDX), packed rings. Pure: no time.
 */

export const FEATURES = {
  /** VIRTIO_F_RING_INDIRECT_DESC (bit 28). */
  indirectDesc: 'INDIRECT_DESC',
  /** VIRTIO_F_RING_EVENT_IDX (bit 29). */
  eventIdx: 'EVENT_IDX',
  /** VIRTIO_F_VERSION_1 (bit 32). */
  version1: 'VERSION_1',
  /** VIRTIO_F_ACCESS_PLATFORM (bit 33, formerly IOMMU_PLATFORM). */
  accessPlatform: 'ACCESS_PLATFORM',
  /** The proposed VIRTIO_F_ACCESS_PLATFORM_NO_IOMMU (seed 001; never given a bit). */
  noIommu: 'ACCESS_PLATFORM_NO_IOMMU',
  /** VIRTIO_NET_F_MRG_RXBUF (bit 15): a received packet may span several posted buffers. */
  mrgRxbuf: 'MRG_RXBUF',
} as const;

export type Feature = (typeof FEATURES)[keyof typeof FEATURES];

export class FeatureError extends Error {
  constructor(
    /** The spec field (relative to the device's transport params) the error is about. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FeatureError';
  }
}

/** What the platform under the device is, as far as the access flags care. */
export interface PlatformInfo {
  /** Platform name for messages, e.g. "pseries", "x86_64". */
  readonly name: string;
  /** Guest memory can be restricted from the host (a PEF-capable pSeries guest, a CVM). */
  readonly restrictedMemoryMeaning: boolean;
  /** The guest's memory is restricted right now (secure guest, CVM). */
  readonly restricted: boolean;
}

export type DmaRoute =
  /** No DMA API: the device is handed guest-physical addresses. */
  | 'gpa'
  /** The platform DMA ops: the path the topology gives the device. */
  | 'platform'
  /** Restricted access without translation: dma-direct, swiotlb when the guest is restricted. */
  | 'restricted-direct';

export interface Negotiated {
  readonly features: ReadonlySet<Feature>;
  readonly route: DmaRoute;
}

/** The intersection of what the device offers and the driver accepts, checked as FEATURES_OK would be. */
export function negotiate(offered: ReadonlySet<Feature>, accepted: ReadonlySet<Feature>, platform: PlatformInfo): Negotiated {
  const features = new Set<Feature>([...offered].filter((f) => accepted.has(f)));
  if (features.has(FEATURES.accessPlatform) && features.has(FEATURES.noIommu)) {
    throw new FeatureError('noIommu', 'VIRTIO_F_ACCESS_PLATFORM and VIRTIO_F_ACCESS_PLATFORM_NO_IOMMU are mutually exclusive ("it is an error to set both")');
  }
  if (features.has(FEATURES.noIommu) && !platform.restrictedMemoryMeaning) {
    throw new FeatureError(
      'noIommu',
      `VIRTIO_F_ACCESS_PLATFORM_NO_IOMMU means "restricted access without translation", and ${platform.name} has no restricted guest memory (only a pSeries guest that may go secure or a confidential VM does)`,
    );
  }
  return { features, route: routeOf(features) };
}

export function routeOf(features: ReadonlySet<Feature>): DmaRoute {
  if (features.has(FEATURES.accessPlatform)) return 'platform';
  if (features.has(FEATURES.noIommu)) return 'restricted-direct';
  return 'gpa';
}

/**
 * Why an I/O of a device on this route fails when the guest's memory is restricted, or null if
 * it does not: without either flag the device is handed addresses of memory the host cannot read.
 */
export function restrictedFailure(route: DmaRoute, restricted: boolean): string | null {
  if (route === 'gpa' && restricted) {
    return 'no VIRTIO_F_ACCESS_PLATFORM (nor NO_IOMMU): the driver hands the device guest-physical addresses of secure memory the host cannot read';
  }
  return null;
}
