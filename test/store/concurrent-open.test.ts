// Four processes opening a fresh database at the same instant: all succeed, the schema is
// created once, at the latest version.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { latestVersion } from '../../main/store/migrate';
import { LabStore } from '../../main/store/store';
import { root, tempDir } from './support';

function opener(db: string, go: string): Promise<{ code: number | null; err: string }> {
  const code = `
    import { existsSync } from 'node:fs';
    const { LabStore } = await import(${JSON.stringify(join(root, 'main/store/store.ts'))});
    while (!existsSync(${JSON.stringify(go)})) await new Promise((r) => setTimeout(r, 2));
    const s = LabStore.open(${JSON.stringify(db)});
    s.ensureExperiment('e' + process.pid);
    s.close();`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d: Buffer) => (err += d.toString()));
  return new Promise((r) => child.on('exit', (c) => r({ code: c, err })));
}

test('four concurrent first opens of a new database all succeed (three rounds)', async () => {
  for (let round = 0; round < 3; round++) {
    const dir = tempDir('viommu-open4-');
    const db = join(dir, 'lab.sqlite');
    const go = join(dir, 'go');
    const procs = [0, 1, 2, 3].map(() => opener(db, go));
    await new Promise((r) => setTimeout(r, 1500));
    writeFileSync(go, '');
    const outcomes = await Promise.all(procs);
    for (const o of outcomes) assert.equal(o.code, 0, o.err);
    const store = LabStore.open(db);
    assert.equal(store.db.pragma('user_version', { simple: true }), latestVersion());
    assert.equal((store.db.prepare('SELECT count(*) AS n FROM experiments').get() as { n: number }).n, 4);
    store.close();
  }
});
