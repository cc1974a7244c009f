import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveParamFilter } from './param-filter';

test('a parameter filter takes names as people type them, and an unknown one is an error naming the known ones', () => {
  const known = ['bitrate_gbps', 'packet_bytes', 'mode'];
  assert.deepEqual(resolveParamFilter({ bitrate_gbps: 10 }, known), { ok: true, params: { bitrate_gbps: 10 } });
  assert.deepEqual(resolveParamFilter({ Mode: 'lazy', bitrate: 25 }, known), { ok: true, params: { mode: 'lazy', bitrate_gbps: 25 } });
  const bad = resolveParamFilter({ threads: 2 }, known);
  assert.equal(bad.ok, false);
  assert.match(bad.ok ? '' : bad.message, /no sweep parameter "threads"; these runs have: bitrate_gbps, packet_bytes, mode/);
  // Ambiguous prefixes are errors too.
  assert.equal(resolveParamFilter({ p: 1 }, ['packet_bytes', 'pages']).ok, false);
});
