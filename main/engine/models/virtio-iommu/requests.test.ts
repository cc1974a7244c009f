import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decode, encode, readStatus, requestBytes, writeStatus, MAP_READ, MAP_WRITE, type Request } from './requests';
import { DomainMappings } from './domain-state';

test('requests encode to the uapi layouts and decode back exactly, 64-bit addresses included', () => {
  const reqs: Request[] = [
    { kind: 'attach', domain: 1, endpoint: 8, flags: 0 },
    { kind: 'detach', domain: 1, endpoint: 8, flags: 0 },
    { kind: 'map', domain: 1, virtStart: 2 ** 52 + 4096, virtEnd: 2 ** 52 + 8191, physStart: 0x1_2345_6000, flags: MAP_READ | MAP_WRITE },
    { kind: 'unmap', domain: 1, virtStart: 4096, virtEnd: 8191 },
    { kind: 'probe', endpoint: 8, probeSize: 512 },
  ];
  const sizes = reqs.map((r) => encode(r).length);
  assert.deepEqual(sizes, [24, 24, 40, 32, 72 + 512 + 4]);
  for (const r of reqs) assert.deepEqual(decode(encode(r), 512), r);
  const b = encode(reqs[2]!);
  assert.equal(b[0], 3, 'VIRTIO_IOMMU_T_MAP');
  assert.equal(requestBytes(reqs[2]!).in, 4, 'only the tail is device-writable');
  writeStatus(b, 'range');
  assert.equal(readStatus(b), 'range');
  assert.throws(() => encode({ kind: 'unmap', domain: 1, virtStart: 0.5, virtEnd: 1 }), /exact/);
});

test('domain mappings: overlapping MAP is refused, UNMAP removes whole mappings or fails with RANGE', () => {
  const d = new DomainMappings();
  assert.equal(d.map({ start: 0x1000, end: 0x1fff, phys: 0x9000, flags: MAP_READ }), 'ok');
  assert.equal(d.map({ start: 0x3000, end: 0x4fff, phys: 0xa000, flags: MAP_READ | MAP_WRITE }), 'ok');
  assert.equal(d.map({ start: 0x1800, end: 0x2fff, phys: 0, flags: MAP_READ }), 'inval');
  assert.equal(d.covers(0x1000, 4096, false), true);
  assert.equal(d.covers(0x1000, 4096, true), false, 'read-only mapping');
  assert.equal(d.covers(0x1f00, 0x200, false), false, 'runs past the mapping');
  assert.equal(d.unmap(0x3000, 0x3fff).status, 'range', 'would split a mapping');
  const r = d.unmap(0x0, 0x4fff);
  assert.equal(r.status, 'ok');
  assert.equal(r.removed.length, 2);
  assert.equal(d.size, 0);
});
