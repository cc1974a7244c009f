import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignedPsi, iotlbDescFor, psi, psiRange, QEMU_MAMV, submissions, VTD_PAGE, type Desc } from './inv-desc';

const P = VTD_PAGE;

test('PSI rounding: the smallest aligned power of two covering the range', () => {
  assert.deepEqual(alignedPsi(0x5000, P), { addr: 0x5000, am: 0 });
  assert.deepEqual(alignedPsi(0x4000, 2 * P), { addr: 0x4000, am: 1 });
  // Two pages straddling an 8-page boundary need a 16-page block.
  assert.deepEqual(alignedPsi(7 * P, 2 * P), { addr: 0, am: 4 });
  assert.deepEqual(alignedPsi(3 * P, 3 * P), { addr: 0, am: 3 });
  // A sub-page range at an offset still flushes its page.
  assert.deepEqual(alignedPsi(0x5010, 16), { addr: 0x5000, am: 0 });
  assert.deepEqual(alignedPsi(0, 2 ** 30), { addr: 0, am: 18 });
});

test('every range is covered by its PSI, exhaustively over small ranges', () => {
  for (let first = 0; first < 64; first++) {
    for (let pages = 1; pages <= 64; pages++) {
      const { addr, am } = alignedPsi(first * P, pages * P);
      const { start, end } = psiRange({ addr, am });
      assert.ok(start <= first * P && end >= (first + pages) * P, `${first}+${pages}`);
      assert.equal(start % (P * 2 ** am), 0);
      // And it is the smallest such block: halving it no longer covers the range.
      if (am > 0) {
        const half = P * 2 ** (am - 1);
        const lo = Math.floor((first * P) / half) * half;
        assert.ok(lo + half < (first + pages) * P || lo > first * P);
      }
    }
  }
});

test('above the maximum AM the guest falls back to a domain-selective invalidation', () => {
  assert.deepEqual(iotlbDescFor(3, 0, 2 ** 30, QEMU_MAMV), { type: 'iotlb-psi', did: 3, addr: 0, am: 18 });
  assert.deepEqual(iotlbDescFor(3, 0, 2 ** 31, QEMU_MAMV), { type: 'iotlb-dsi', did: 3 });
  assert.deepEqual(iotlbDescFor(3, 0, 4 * P, 1), { type: 'iotlb-dsi', did: 3 });
  // A misaligned 2-page range at a large offset needs a big mask: DSI with a small MAMV.
  assert.deepEqual(iotlbDescFor(1, (2 ** 20 - 1) * P, 2 * P, 4), { type: 'iotlb-dsi', did: 1 });
});

test('a PSI with an AM above the maximum, or misaligned, is refused', () => {
  assert.throws(() => psi(1, 0, 19, QEMU_MAMV), /address mask 19 is above the maximum \(MAMV 18\)/);
  assert.throws(() => psi(1, P, 1, QEMU_MAMV), /not aligned/);
});

test('submissions: at most 16 descriptors, each closed by a wait', () => {
  const d: Desc[] = Array.from({ length: 33 }, (_, i) => ({ type: 'iotlb-psi', did: 1, addr: i * P, am: 0 }));
  const s = submissions(d);
  assert.deepEqual(s.map((x) => x.length), [17, 17, 2]);
  for (const x of s) assert.equal(x[x.length - 1]!.type, 'wait');
  assert.deepEqual(submissions([]), []);
  assert.throws(() => submissions(d, 0), /positive/);
});
