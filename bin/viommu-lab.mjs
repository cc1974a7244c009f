#!/usr/bin/env node
// The CLI's entry before it became CommonJS (bin/viommu-lab.cjs, what `npx viommu-lab` runs):
// kept so that commands written with this path (Slurm job scripts of earlier versions) still work.
import './viommu-lab.cjs';
