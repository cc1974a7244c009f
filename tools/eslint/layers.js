// ESLint rule: the import direction of DESIGN.md §2, checked on resolved paths.
//
// Every folder of main/ is a zone (ZONES below; a file in an undeclared folder is an error), and
// a zone imports only itself and the zones it lists — all lower down, so no arrow points upward:
//
//   common ← engine, store, script ← report ← api ← web ← shell      renderer → common only
//                                              ↖ cli (api, engine entry, store, script, report)
//   (web and shell, composition roots, also open the store and hand report's PDF printer to the API)
//
// - main/engine is entered only through its deliberate surface (ENGINE_ENTRY): run.ts (a run,
//   the topology check) and catalog.ts (spec schema, cost parameters and metric names built from
//   the model registry). Other layers never reach into kernel/, dma/, models/...
// - models never import each other (main/engine/models/<kind>/).
// - Packages: common takes only zod; engine none; the renderer no Node built-in and no Node-side
//   package. A package with native code or a Node-only runtime has one owning zone (OWNED):
//   `electron` only in main/shell (there is no Electron binary anywhere else: the CLI, the
//   browser host and every test run under Node), better-sqlite3 only in main/store, the script
//   toolchain (esbuild, typescript, QuickJS) only in main/script.
// - Errors: one that crosses a zone boundary (an imported `…Error` from another zone) comes
//   from main/common, so every layer that throws or catches it sees one definition.
//
// Tests beside the code (`*.test.ts`) are harnesses that may import any layer and Node's test
// tools; they still keep `electron` out (files outside main/ too: test/, bench/, scripts/).
import { existsSync, statSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');

/** Each folder of main/ (plus the renderer) and the zones it may import, besides itself. */
export const ZONES = {
  common: { imports: [], doc: 'pure types, schemas, units and registries shared by every layer and the renderer' },
  engine: { imports: ['common'], doc: 'the simulation: no Node, no Electron, no DOM, no packages' },
  store: { imports: ['common'], doc: 'better-sqlite3 and the migrations' },
  script: { imports: ['common', 'engine:entry'], doc: 'TypeScript scripts to specs: transpile, sandbox, DSL and its .d.ts' },
  report: { imports: ['common', 'store'], doc: 'CSV / JSON / PDF builders over stored runs' },
  api: { imports: ['common', 'engine:entry', 'store', 'script', 'report'], doc: 'the API service, the run pipeline and the engine host (worker pool)' },
  web: { imports: ['common', 'api', 'store', 'report'], doc: 'the browser host: loopback HTTP in front of the API service (a composition root: store, service, PDF printer)' },
  shell: { imports: ['common', 'api', 'store', 'report', 'web'], doc: 'the Electron shell: windows, protocol, preload, menus (a composition root)' },
  cli: { imports: ['common', 'api', 'engine:entry', 'store', 'script', 'report'], doc: 'the viommu-lab command' },
  renderer: { imports: ['common'], doc: 'the UI (renderer/): browser code only' },
};

/** The only engine files other zones may import. */
export const ENGINE_ENTRY = ['main/engine/run.ts', 'main/engine/catalog.ts'];

/** Packages that belong to one zone. */
export const OWNED = {
  electron: 'shell',
  'better-sqlite3': 'store',
  esbuild: 'script',
  typescript: 'script',
  'quickjs-emscripten-core': 'script',
  '@jitl/quickjs-wasmfile-release-sync': 'script',
};
const COMMON_PACKAGES = new Set(['zod']);
const NODE_BUILTINS = new Set(builtinModules);

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isNodeBuiltin = (spec) => spec.startsWith('node:') || NODE_BUILTINS.has(packageName(spec));

/** The zone of a repository-relative path: a main/ folder, 'renderer', 'main?' (undeclared) or null (outside both). */
function zoneOf(file) {
  if (file.startsWith('renderer/')) return 'renderer';
  const m = /^main\/([^/]+)\//.exec(file);
  if (m === null) return file.startsWith('main/') ? 'main?' : null;
  return Object.hasOwn(ZONES, m[1]) && m[1] !== 'renderer' ? m[1] : 'main?';
}

function modelOf(file) {
  const m = /^main\/engine\/models\/([^/]+)\//.exec(file);
  return m ? m[1] : null;
}

/** The engine file a relative import names (with or without its .ts extension, or a folder's index). */
function isEngineEntry(target) {
  return ENGINE_ENTRY.some((e) => target === e || `${target}.ts` === e || `${target}/index.ts` === e || `${target}.js` === e.replace(/\.ts$/, '.js'));
}

const describeZone = (z) => (z === 'renderer' ? 'renderer' : `main/${z}`);

export default {
  meta: { type: 'problem', docs: { description: 'enforce the layer import rules of DESIGN.md §2' }, schema: [] },
  create(context) {
    const from = rel(context.filename);
    const zone = zoneOf(from);
    const isTest = from.endsWith('.test.ts');

    function checkPackage(node, spec) {
      const name = packageName(spec);
      const owner = OWNED[name];
      if (owner === 'shell' && zone !== 'shell') return context.report({ node, message: `"${spec}" is imported only in main/shell (the Electron shell); everything else runs under Node without Electron` });
      if (zone === null || isTest) return;
      if (owner !== undefined && owner !== zone) return context.report({ node, message: `${describeZone(zone)} must not import "${spec}": it belongs to main/${owner}` });
      if (zone === 'engine') return context.report({ node, message: `main/engine must not import the package "${spec}" (engine imports only main/common)` });
      if (zone === 'common' && !COMMON_PACKAGES.has(name)) return context.report({ node, message: `main/common must stay pure: "${spec}" is not allowed` });
      if (zone === 'renderer' && isNodeBuiltin(spec)) return context.report({ node, message: `renderer must not import "${spec}" (no Node or Electron in the renderer)` });
    }

    function checkRelative(node, spec, names) {
      const target = rel(path.resolve(path.dirname(context.filename), spec));
      const tzone = zoneOf(target);
      if (!isTest && tzone !== null && tzone !== zone) {
        const allowed = ZONES[zone].imports;
        if (tzone === 'engine' && allowed.includes('engine:entry')) {
          if (!isEngineEntry(target)) return context.report({ node, message: `${describeZone(zone)} enters main/engine only through ${ENGINE_ENTRY.join(' or ')}, not ${target}` });
        } else if (!allowed.includes(tzone)) {
          const may = allowed.length ? allowed.map((z) => (z === 'engine:entry' ? 'main/engine (entry)' : describeZone(z))).join(', ') : 'nothing outside itself';
          return context.report({ node, message: `${describeZone(zone)} may import only ${may}, not ${target}` });
        }
        const errors = names.filter((n) => /Error$/.test(n));
        if (errors.length && tzone !== 'common') return context.report({ node, message: `errors shared by layers live in main/common: ${errors.join(', ')} comes from ${target}` });
      }
      const a = modelOf(from);
      // A bare target is a file (models/model.ts, the shared contract) unless it names a folder (its index).
      const b = existsSync(path.join(ROOT, target)) && statSync(path.join(ROOT, target)).isDirectory() ? modelOf(target + '/') : modelOf(target);
      if (a && b && a !== b) context.report({ node, message: `models never import each other: ${a} imports ${b}` });
    }

    function check(node, spec, names = []) {
      if (typeof spec !== 'string') return;
      if (zone === 'main?') return;
      if (!spec.startsWith('.')) return checkPackage(node, spec);
      if (zone !== null) checkRelative(node, spec, names);
    }

    const importedNames = (n) => (n.specifiers ?? []).map((s) => (s.imported ? (s.imported.name ?? s.imported.value) : s.exported ? (s.local?.name ?? s.exported.name) : s.local.name)).filter(Boolean);
    return {
      Program(n) {
        if (zone === 'main?') context.report({ node: n, message: `${from.split('/').slice(0, 2).join('/')} is not a zone: every folder of main/ is declared with its allowed imports in tools/eslint/layers.js` });
      },
      ImportDeclaration: (n) => check(n, n.source.value, n.importKind === 'type' ? [] : importedNames(n).filter((_, i) => n.specifiers[i].importKind !== 'type')),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value, n.exportKind === 'type' ? [] : (n.specifiers ?? []).map((s) => s.local.name ?? s.local.value)),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
