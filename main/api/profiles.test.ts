/** loadProfile reads only the profile's chain of files, and resolves what it resolves from every file. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { resolveProfile } from '../common/profile/profile';
import { catalog } from '../engine/catalog';
import { loadProfile, loadProfileFiles } from './profiles';
import { resourcesDir } from './resources';

test('a profile resolved from its chain of files alone equals the one resolved from every file; an unknown one names them all', () => {
  const ids = readdirSync(join(resourcesDir(), 'profiles')).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, ''));
  assert.ok(ids.length >= 3);
  // Before loadProfileFiles() has read (and kept) every file: the chain path.
  const alone = ids.map((id) => loadProfile(id, {}));
  const overridden = loadProfile(ids[0]!, { 'vmexit.mmio_user_ns': 7214 });
  // A profile without a file: every file is read, so the error can name them all.
  assert.throws(() => loadProfile('no-such-profile'), (e: Error) => ids.every((id) => e.message.includes(id)));
  const files = loadProfileFiles();
  assert.deepEqual(alone, ids.map((id) => resolveProfile(catalog.params, files, id)));
  assert.deepEqual(overridden, resolveProfile(catalog.params, files, ids[0]!, { 'vmexit.mmio_user_ns': 7214 }));
});
