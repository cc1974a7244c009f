import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir, platform } from 'node:os';
import { defaultDbPath } from './paths';

test('the default database lives in the XDG data directory, overridable by VIOMMU_LAB_DB', () => {
  assert.equal(defaultDbPath({ VIOMMU_LAB_DB: '/x/y.sqlite' }), '/x/y.sqlite');
  if (platform() === 'linux') {
    assert.equal(defaultDbPath({ XDG_DATA_HOME: '/data' }), '/data/viommu-lab/lab.sqlite');
    assert.equal(defaultDbPath({}), `${homedir()}/.local/share/viommu-lab/lab.sqlite`);
    assert.equal(defaultDbPath({ XDG_DATA_HOME: 'relative' }), `${homedir()}/.local/share/viommu-lab/lab.sqlite`, 'XDG says relative paths are ignored');
  }
});

test('npm start -- --db FILE names the database (both --db FILE and --db=FILE), else the default', async () => {
  const { dbPathFromArgs } = await import('./paths');
  assert.equal(dbPathFromArgs(['--no-browser', '--db', '/tmp/a.sqlite']), '/tmp/a.sqlite');
  assert.equal(dbPathFromArgs(['--db=/tmp/b.sqlite']), '/tmp/b.sqlite');
  assert.equal(dbPathFromArgs([], { VIOMMU_LAB_DB: '/x/y.sqlite' }), '/x/y.sqlite');
  assert.throws(() => dbPathFromArgs(['--db']), /--db needs a file name/);
});
