import { test } from 'node:test';
import assert from 'node:assert/strict';
import { seriesStyle } from './palette';

test('28 series (a 28-configuration comparison) get 28 distinct styles, the first ten solid', () => {
  const styles = Array.from({ length: 28 }, (_, i) => seriesStyle(i));
  assert.equal(new Set(styles.map((s) => `${s.colour} ${s.dash.join(',')}`)).size, 28);
  assert.ok(styles.slice(0, 10).every((s) => s.dash.length === 0));
  assert.equal(new Set(Array.from({ length: 40 }, (_, i) => JSON.stringify(seriesStyle(i)))).size, 40);
});
