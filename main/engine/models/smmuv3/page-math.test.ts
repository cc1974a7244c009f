// The floor forms equal the remainder they replace, for addresses up to 2^53 (random and edges).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { modPow2, pageBase, pageOffset } from './page-math';
import { Rng } from '../../kernel/rng';

test('pageOffset, pageBase and modPow2 equal % for non-negative integers below 2^53', () => {
  const rng = new Rng(3, 'page-math');
  const xs = [0, 1, 4095, 4096, 4097, 2 ** 31 - 1, 2 ** 31, 2 ** 32 + 5, 2 ** 48 - 1, 2 ** 52 + 12345, 2 ** 53 - 1];
  for (let i = 0; i < 10000; i++) xs.push(Math.floor(rng.float() * 2 ** Math.floor(rng.float() * 53)));
  for (const x of xs) {
    assert.equal(pageOffset(x), x % 4096, `pageOffset(${x})`);
    assert.equal(pageBase(x), x - (x % 4096), `pageBase(${x})`);
    for (const m of [2, 512, 2 ** 18, 2 ** 40]) assert.equal(modPow2(x, m), x % m, `modPow2(${x}, ${m})`);
  }
});
