/** Helpers for the VT-d end-to-end tests: build a spec around one intel-iommu VM and run it. */
import { prepareRun } from '../../main/api/runner';
import { runSimulation } from '../../main/engine/run';
import type { RunResult } from '../../main/common/result';

export function runSpec(spec: unknown, sets: [string, unknown][] = []): RunResult {
  const p = prepareRun(spec, { sets });
  return runSimulation(p.spec, p.profile);
}

export interface VtdSpecOptions {
  viommu?: Record<string, unknown>;
  device?: Record<string, unknown>;
  workload?: Record<string, unknown>;
  vm?: Record<string, unknown>;
  duration?: string;
  overrides?: Record<string, number>;
  seed?: number;
}

/** One VM with one intel-iommu and one device behind it. */
export function vtdSpec(o: VtdSpecOptions = {}): Record<string, unknown> {
  return {
    name: 'vtd test',
    seed: o.seed ?? 3,
    duration: o.duration ?? '2ms',
    profile: { base: 'kvm-x86-2024', overrides: o.overrides ?? {} },
    host: { arch: 'x86_64', cpus: 32 },
    vms: [{ id: 'vm0', memory: '4GiB', vcpus: 2, ...o.vm, viommus: [{ id: 'vtd0', kind: 'intel-iommu', params: o.viommu ?? {} }] }],
    devices: [
      {
        id: 'dev0',
        vm: 'vm0',
        kind: 'dma-engine',
        attach: 'vfio',
        viommu: 'vtd0',
        ...o.device,
        workload: o.workload ?? { kind: 'map-bench', threads: 1, granule: '4KiB', dmaBytes: '4KiB', maxOps: 200 },
      },
    ],
  };
}
