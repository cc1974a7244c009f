import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeDirs } from './make-dirs';

test('makeDirs creates every missing component and accepts an existing directory', () => {
  const root = mkdtempSync(join(tmpdir(), 'viommu-mkdirs-'));
  const deep = join(root, 'a', 'b', 'c');
  makeDirs(deep);
  assert.ok(statSync(deep).isDirectory());
  makeDirs(deep);
  makeDirs(root);
});

test('makeDirs under a file fails with ENOTDIR', () => {
  const root = mkdtempSync(join(tmpdir(), 'viommu-mkdirs-'));
  writeFileSync(join(root, 'f'), '');
  assert.throws(() => makeDirs(join(root, 'f', 'x')), { code: 'ENOTDIR' });
});

test('makeDirs under procfs fails with ENOENT instead of spinning (Node\'s recursive mkdirSync loops there)', () => {
  assert.throws(() => makeDirs('/proc/viommu-lab-nonexistent/x'), { code: 'ENOENT' });
});

test('a store under procfs is one sentence naming the folder, not a hang', async () => {
  const { LabStore } = await import('./store');
  assert.throws(
    () => LabStore.open('/proc/viommu-lab-nonexistent/lab.sqlite'),
    (e: Error) => e.name === 'StoreError' && /^\/proc\/viommu-lab-nonexistent\/lab\.sqlite: its folder cannot be created \(ENOENT: .*mkdir '\/proc\/viommu-lab-nonexistent'\); point --db at a writable folder$/.test(e.message),
  );
});
