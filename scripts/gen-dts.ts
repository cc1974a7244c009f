// `npm run gen:dts`: regenerates the DSL's option types and resources/viommu-lab.d.ts. Run it after
// adding or changing a model's parameter schema (a test fails until the committed files match).
import { writeFileSync } from 'node:fs';
import { buildDts, SPEC_TYPES_FILE } from '../main/script/dts/build-dts';
import { resourcesDir } from '../main/api/resources';

const { specTypes, dts } = buildDts();
writeFileSync(SPEC_TYPES_FILE, specTypes);
writeFileSync(`${resourcesDir()}/viommu-lab.d.ts`, dts);
console.log(`wrote ${SPEC_TYPES_FILE} and ${resourcesDir()}/viommu-lab.d.ts`);
