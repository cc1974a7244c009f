/** The hostile specs of issue 10, each a small variation of one base spec (fixtures of the fuzz test). */
const vm = { id: 'vm0', memory: '8GiB', vcpus: 4 };
const nic = (w: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  duration: '1ms',
  vms: [vm],
  devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', ...extra, workload: { kind: 'nic', bitrate: '10Gbit/s', ...w } }],
});
const bench = (w: Record<string, unknown>, top: Record<string, unknown> = {}) => ({
  duration: '1ms',
  vms: [vm],
  devices: [{ id: 'd0', vm: 'vm0', kind: 'dma-engine', workload: { kind: 'map-bench', ...w } }],
  ...top,
});
const spapr = (params: Record<string, unknown>, memory = '8GiB') => ({
  duration: '1ms',
  host: { arch: 'ppc64le', cpus: 32 },
  vms: [{ id: 'vm0', memory, vcpus: 4, viommus: [{ id: 'phb0', kind: 'spapr-tce', params }] }],
  devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', viommu: 'phb0', workload: { kind: 'nic', bitrate: '10Gbit/s' } }],
});
const smmu = (params: Record<string, unknown>) => ({
  duration: '1ms',
  host: { arch: 'aarch64', cpus: 32, iommus: [{ id: 'smmu0', kind: 'smmuv3', params }] },
  vms: [{ id: 'vm0', memory: '8GiB', vcpus: 4, viommus: [{ id: 'vsmmu0', kind: 'smmuv3', params: { backing: ['smmu0'] } }] }],
  devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', viommu: 'vsmmu0', hostIommu: 'smmu0', workload: { kind: 'nic', bitrate: '10Gbit/s' } }],
});

/** `refusedAt`: the JSON path the refusal must name (absent: refused or run, either is fine). */
export const HOSTILE_SPECS: { name: string; spec: unknown; refusedAt?: string }[] = [
  { name: 'link bandwidth 0', spec: nic({}, { linkBandwidth: 0 }), refusedAt: 'devices[0].linkBandwidth' },
  { name: 'link bandwidth -1', spec: nic({}, { linkBandwidth: -1 }), refusedAt: 'devices[0].linkBandwidth' },
  { name: 'link bandwidth 1e308', spec: nic({}, { linkBandwidth: 1e308 }), refusedAt: 'devices[0].linkBandwidth' },
  { name: 'cmdqLog2 0', spec: smmu({ cmdqLog2: 0 }), refusedAt: 'host.iommus[0].params.cmdqLog2' },
  { name: '1e308 vCPUs', spec: { ...bench({}), vms: [{ ...vm, vcpus: 1e308 }] }, refusedAt: 'vms[0].vcpus' },
  { name: '2e9 vCPUs', spec: { ...bench({}), vms: [{ ...vm, vcpus: 2e9 }] }, refusedAt: 'vms[0].vcpus' },
  { name: 'window of 2^53-1 bytes', spec: spapr({ dmaWindowSize: 2 ** 53 - 1 }), refusedAt: 'vms[0].viommus[0].params.dmaWindowSize' },
  { name: 'NIC bitrate 0', spec: nic({ bitrate: 0 }), refusedAt: 'devices[0].workload' },
  { name: 'NIC packet rate 0', spec: nic({ bitrate: undefined, packetRate: 0 }) },
  { name: 'empirical weight Infinity', spec: nic({ packetSize: { kind: 'empirical', values: [64, 1500], weights: [1, 'Infinity'] } }) },
  { name: 'empirical weight 1e309 (Infinity in JSON)', spec: '{"duration":"1ms","vms":[{"id":"vm0","memory":"8GiB"}],"devices":[{"id":"n","vm":"vm0","workload":{"kind":"nic","bitrate":"10Gbit/s","packetSize":{"kind":"empirical","values":[64,1500],"weights":[1,1e309]}}}]}' },
  { name: 'empirical weights all 0', spec: nic({ packetSize: { kind: 'empirical', values: [64, 1500], weights: [0, 0] } }) },
  { name: 'guest too small for its IOMMU tables', spec: spapr({ dmaWindowSize: '1TiB' }, '4KiB') },
  { name: 'guest of 1 MiB', spec: spapr({}, '1MiB'), refusedAt: 'vms[0].memory' },
  { name: '2e9 map-bench threads', spec: bench({ threads: 2e9 }), refusedAt: 'devices[0].workload' },
  { name: '1e308 NIC queues', spec: nic({ queues: 1e308 }), refusedAt: 'devices[0].workload' },
  { name: 'a million devices', spec: { ...bench({}), devices: Array.from({ length: 1_000_000 }, (_, i) => ({ id: `d${i}`, vm: 'vm0', workload: { kind: 'boot' } })) }, refusedAt: 'devices' },
  { name: 'a 104-day duration', spec: bench({}, { duration: '104d' }), refusedAt: 'duration' },
  { name: 'a 1 PiB guest', spec: { ...bench({}), vms: [{ ...vm, memory: '1PiB' }] }, refusedAt: 'vms[0].memory' },
  { name: '10,000 levels of nesting', spec: '{"vms":'.repeat(10_000) + '1' + '}'.repeat(10_000) },
  { name: 'granule 0', spec: bench({ granule: 0 }) },
  { name: 'ring of 2^31 descriptors', spec: nic({ ringSize: 2 ** 31 }) },
  { name: 'NIC packet size 0', spec: nic({ packetSize: 0 }) },
  { name: 'lognormal mu 1000', spec: nic({ packetSize: { kind: 'lognormal', mu: 1000, sigma: 1 } }) },
];
