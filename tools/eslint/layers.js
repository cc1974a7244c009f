// ESLint rule: the import direction of DESIGN.md §2, checked on resolved paths.
//   main/engine    imports only main/engine and main/common (no Node, no Electron, no DOM, no packages)
//   main/engine/models/<kind> never imports another model's folder
//   main/common    imports only main/common and pure packages (zod)
//   renderer       imports only renderer and main/common, and browser packages (never node:, electron, better-sqlite3)
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const rel = (file) => path.relative(ROOT, file).split(path.sep).join('/');
const NODE_ONLY = /^(node:|electron$|electron\/|better-sqlite3$|fs$|path$|os$|child_process$|worker_threads$|crypto$|http$|net$|url$)/;
const COMMON_PACKAGES = new Set(['zod']);

function zoneOf(file) {
  if (file.startsWith('main/engine/')) return 'engine';
  if (file.startsWith('main/common/')) return 'common';
  if (file.startsWith('renderer/')) return 'renderer';
  return 'other';
}

function modelOf(file) {
  const m = /^main\/engine\/models\/([^/]+)\//.exec(file);
  return m ? m[1] : null;
}

export default {
  meta: { type: 'problem', docs: { description: 'enforce the layer import rules' }, schema: [] },
  create(context) {
    const from = rel(context.filename);
    const zone = zoneOf(from);
    // Tests are Node-side harnesses: they may reach any layer to drive the one they test.
    if (zone === 'other' || from.endsWith('.test.ts')) return {};
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (!spec.startsWith('.')) {
        // Tests beside the code may use the test runner and Node's assert.
        if (from.endsWith('.test.ts') && /^node:(test|assert)/.test(spec)) return;
        if (zone === 'engine') return context.report({ node, message: `main/engine must not import the package "${spec}" (engine imports only main/common)` });
        if (zone === 'common' && !COMMON_PACKAGES.has(spec)) return context.report({ node, message: `main/common must stay pure: "${spec}" is not allowed` });
        if (zone === 'renderer' && NODE_ONLY.test(spec)) return context.report({ node, message: `renderer must not import "${spec}" (no Node or Electron in the renderer)` });
        return;
      }
      const target = rel(path.resolve(path.dirname(context.filename), spec));
      const tzone = zoneOf(target);
      if (zone === 'engine' && tzone !== 'engine' && tzone !== 'common') return context.report({ node, message: `main/engine may import only main/common, not ${target}` });
      if (zone === 'common' && tzone !== 'common') return context.report({ node, message: `main/common may not import ${target}` });
      if (zone === 'renderer' && tzone !== 'renderer' && tzone !== 'common') return context.report({ node, message: `renderer may import only main/common, not ${target}` });
      const a = modelOf(from);
      // A bare target is a file (models/model.ts, the shared contract) unless it names a folder (its index).
      const b = existsSync(path.join(ROOT, target)) && statSync(path.join(ROOT, target)).isDirectory() ? modelOf(target + '/') : modelOf(target);
      if (a && b && a !== b) context.report({ node, message: `models never import each other: ${a} imports ${b}` });
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
