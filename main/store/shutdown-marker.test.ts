// Clean-shutdown markers: a writer's own marker goes on close, with the folder once it is empty;
// another live writer's marker is kept; a dead writer's marker is taken as an unclean shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { markerDir, placeMarker, removeMarker, takeStaleMarkers } from './shutdown-marker';

/** A pid no process has here (above the kernel's pid_max on 64-bit Linux). */
const DEAD_PID = 4194305;

test('removeMarker takes this process its marker, and the folder once no other writer has one there', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-marker-')), 'lab.sqlite');
  placeMarker(db);
  assert.deepEqual(readdirSync(markerDir(db)), [String(process.pid)]);
  writeFileSync(join(markerDir(db), '1'), ''); // a live writer (init)
  removeMarker(db);
  assert.deepEqual(readdirSync(markerDir(db)), ['1']);
  assert.equal(takeStaleMarkers(db), false);
  removeMarker(db); // no marker of ours: nothing to remove, and the other writer's stays
  assert.deepEqual(readdirSync(markerDir(db)), ['1']);
  placeMarker(db);
  writeFileSync(join(markerDir(db), String(DEAD_PID)), '');
  assert.equal(takeStaleMarkers(db), true);
  assert.deepEqual(readdirSync(markerDir(db)).sort(), ['1', String(process.pid)].sort());
  removeMarker(db);
  writeFileSync(join(markerDir(db), '1'), '');
  assert.ok(existsSync(markerDir(db)));
});

test('the marker folder goes with the last marker', () => {
  const db = join(mkdtempSync(join(tmpdir(), 'viommu-marker-')), 'lab.sqlite');
  placeMarker(db);
  removeMarker(db);
  assert.equal(existsSync(markerDir(db)), false);
  removeMarker(db); // a second close finds nothing and throws nothing
});
