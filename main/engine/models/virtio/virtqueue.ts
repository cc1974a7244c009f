/**
 * A split virtqueue (virtio spec §2.7) as data: the descriptor table with its free list, the
 * available ring the driver fills, the used ring the device fills, indirect descriptor tables,
 * and event suppression (flags, or the EVENT_IDX used_event / avail_event indices).
 *
 * Models: descriptor chains (NEXT, WRITE, INDIRECT flags), Linux's choice of going indirect
 * (total_sg > 1 and the feature negotiated: one table of 16-byte descriptors, one ring slot),
 * free-slot accounting (a request that does not fit is refused: -ENOSPC), 16-bit wrapping
 * indices, vring_need_event() for both notification directions, and the ring's memory layout
 * (desc 16·N, avail 6 + 2·N, used 6 + 8·N bytes, used ring aligned to 4 KiB — legacy layout).
 * Does not model: packed rings, the descriptor contents' byte encoding. Pure: no time.
 */

export const DESC_BYTES = 16;
const U16 = 0x10000;
const USED_ALIGN = 4096;

export interface Buffer {
  /** Address the device is given (bus address or guest-physical): 4 KiB frame and offset. */
  readonly pfn: number;
  readonly off: number;
  readonly bytes: number;
  /** The device writes it (VRING_DESC_F_WRITE). */
  readonly write: boolean;
}

export interface Chain {
  readonly head: number;
  readonly buffers: readonly Buffer[];
  /** The chain lives in an indirect table (one ring descriptor). */
  readonly indirect: boolean;
  /** Caller's token (the request). */
  readonly token: unknown;
}

/** vring_need_event(event_idx, new_idx, old_idx): notify if event_idx lies in [old, new). */
export function needEvent(eventIdx: number, newIdx: number, oldIdx: number): boolean {
  return (newIdx - eventIdx - 1 + U16) % U16 < (newIdx - oldIdx + U16) % U16;
}

/** Bytes of a split ring of `num` entries (legacy alignment), for the coherent allocation at setup. */
export function ringBytes(num: number): { desc: number; avail: number; used: number; total: number } {
  const desc = DESC_BYTES * num;
  const avail = 6 + 2 * num;
  const used = 6 + 8 * num;
  const usedOffset = Math.ceil((desc + avail) / USED_ALIGN) * USED_ALIGN;
  return { desc, avail, used, total: usedOffset + used };
}

export class SplitVirtqueue {
  private numFree: number;
  private readonly chains = new Map<number, Chain>();
  private readonly freeHeads: number[] = [];
  /** The driver's avail->idx and the device's view of it. */
  private availIdx = 0;
  private lastAvailSeen = 0;
  /** The device's used->idx and the driver's last seen. */
  private usedIdx = 0;
  private lastUsedSeen = 0;
  /** avail_idx at the driver's previous kick decision (Linux: vq->num_added baseline). */
  private availAtLastKick = 0;
  private usedAtLastIrq = 0;
  /** Device → driver: "don't kick me" (VRING_USED_F_NO_NOTIFY) or, with EVENT_IDX, avail_event. */
  deviceNoNotify = false;
  availEvent = 0;
  /** Driver → device: "don't interrupt me" (VRING_AVAIL_F_NO_INTERRUPT) or, with EVENT_IDX, used_event. */
  driverNoInterrupt = false;
  usedEvent = 0;
  private readonly pending: Chain[] = [];
  private pendingHead = 0;

  constructor(
    readonly num: number,
    readonly indirect: boolean,
    readonly eventIdx: boolean,
  ) {
    if (!Number.isInteger(num) || num < 1 || num > 32768 || (num & (num - 1)) !== 0) throw new RangeError('a split virtqueue has a power-of-two size of at most 32768');
    this.numFree = num;
    for (let i = num - 1; i >= 0; i--) this.freeHeads.push(i);
  }

  get free(): number {
    return this.numFree;
  }

  /** Chains the device has been offered and not yet returned. */
  get inFlight(): number {
    return this.chains.size;
  }

  /** Whether Linux would put this many buffers in an indirect table. */
  usesIndirect(buffers: number): boolean {
    return this.indirect && buffers > 1 && this.numFree > 0;
  }

  /** Bytes of the indirect table a chain of `buffers` needs (0 if it goes direct). */
  indirectBytes(buffers: number): number {
    return this.usesIndirect(buffers) ? buffers * DESC_BYTES : 0;
  }

  /** virtqueue_add: places the chain and publishes it in the avail ring; null when it does not fit (-ENOSPC). */
  add(buffers: readonly Buffer[], token: unknown): Chain | null {
    if (buffers.length === 0) throw new RangeError('a virtqueue chain needs at least one buffer');
    const indirect = this.usesIndirect(buffers.length);
    const slots = indirect ? 1 : buffers.length;
    if (!indirect && buffers.length > this.num) throw new RangeError(`a chain of ${buffers.length} buffers cannot fit a ring of ${this.num} without indirect descriptors`);
    if (this.numFree < slots) return null;
    this.numFree -= slots;
    // The head slot identifies the chain; the other slots it takes are only counted.
    const head = this.freeHeads.pop()!;
    const chain: Chain = { head, buffers, indirect, token };
    this.chains.set(head, chain);
    this.pending.push(chain);
    this.availIdx = (this.availIdx + 1) % U16;
    return chain;
  }

  /** virtqueue_kick_prepare: does the driver have to notify the device for what it added since the last decision? */
  kickPrepare(): boolean {
    const old = this.availAtLastKick;
    const now = this.availIdx;
    this.availAtLastKick = now;
    if (old === now) return false;
    if (this.eventIdx) return needEvent(this.availEvent, now, old);
    return !this.deviceNoNotify;
  }

  /** Device side: the next chain in the avail ring, or null. */
  pop(): Chain | null {
    if (this.lastAvailSeen === this.availIdx) return null;
    this.lastAvailSeen = (this.lastAvailSeen + 1) % U16;
    const c = this.pending[this.pendingHead]!;
    this.pending[this.pendingHead++] = undefined as never;
    if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    return c;
  }

  /** Device side: returns a chain in the used ring. */
  pushUsed(chain: Chain): void {
    if (this.chains.get(chain.head) !== chain) throw new Error(`virtqueue: chain ${chain.head} returned twice or never added`);
    this.usedIdx = (this.usedIdx + 1) % U16;
  }

  /** Device side: must it interrupt the driver for what it used since its last decision? */
  interruptPrepare(): boolean {
    const old = this.usedAtLastIrq;
    const now = this.usedIdx;
    this.usedAtLastIrq = now;
    if (old === now) return false;
    if (this.eventIdx) return needEvent(this.usedEvent, now, old);
    return !this.driverNoInterrupt;
  }

  /** Driver side: virtqueue_get_buf — frees the chain's slots. */
  getBuf(chain: Chain): void {
    if (this.chains.get(chain.head) !== chain) throw new Error(`virtqueue: chain ${chain.head} is not in flight`);
    if (this.lastUsedSeen === this.usedIdx) throw new Error('virtqueue: get_buf with nothing in the used ring');
    this.lastUsedSeen = (this.lastUsedSeen + 1) % U16;
    this.chains.delete(chain.head);
    this.freeHeads.push(chain.head);
    this.numFree += chain.indirect ? 1 : chain.buffers.length;
  }

  /** Device side: are there chains it has not popped? */
  hasAvail(): boolean {
    return this.lastAvailSeen !== this.availIdx;
  }

  /**
   * Device side (virtio_queue_set_notification): with EVENT_IDX, enabling publishes
   * avail_event = the next index it will read and disabling leaves it behind; without, the
   * NO_NOTIFY flag.
   */
  deviceNotify(enabled: boolean): void {
    if (this.eventIdx) {
      if (enabled) this.availEvent = this.lastAvailSeen;
      else this.availEvent = (this.lastAvailSeen + U16 - 1) % U16;
    } else {
      this.deviceNoNotify = !enabled;
    }
  }

  /** Driver side (virtqueue_enable_cb / disable_cb): used_event, or the NO_INTERRUPT flag. */
  driverInterrupt(enabled: boolean): void {
    if (this.eventIdx) {
      if (enabled) this.usedEvent = this.lastUsedSeen;
      else this.usedEvent = (this.lastUsedSeen + U16 - 1) % U16;
    } else {
      this.driverNoInterrupt = !enabled;
    }
  }
}
