import { test } from 'node:test';
import assert from 'node:assert/strict';
import { catalog } from '../../engine/catalog';
import { compareParamNames, ParamCatalog, declareCosts } from './params';

const sign = (x: number): number => Math.sign(x);

test('compareParamNames orders every declared parameter as localeCompare does', () => {
  const names = catalog.params.all().map((c) => c.name);
  assert.ok(names.length > 100);
  assert.deepEqual([...names].sort((a, b) => a.localeCompare(b)), names);
  for (let i = 0; i < names.length; i++) {
    for (let j = i; j < Math.min(names.length, i + 40); j++) assert.equal(sign(compareParamNames(names[i]!, names[j]!)), sign(names[i]!.localeCompare(names[j]!)), `${names[i]} vs ${names[j]}`);
  }
});

test('compareParamNames agrees with localeCompare on random names over the allowed alphabet (punctuation, digits, prefixes)', () => {
  // Deterministic pseudo-random names over the alphabet NAME allows, short so that prefixes and
  // '_' against '.' against digits come up often.
  const alphabet = '_.0123456789abcdefghijklmnopqrstuvwxyz';
  let x = 12345;
  const rnd = (n: number): number => ((x = (x * 1103515245 + 12345) >>> 0) >>> 8) % n;
  const word = (): string => Array.from({ length: 1 + rnd(5) }, () => alphabet[rnd(alphabet.length)]).join('');
  for (let k = 0; k < 20000; k++) {
    const a = word();
    const b = rnd(4) === 0 ? a + word() : word();
    assert.equal(sign(compareParamNames(a, b)), sign(a.localeCompare(b)), `${a} vs ${b}`);
    assert.equal(sign(compareParamNames(b, a)), sign(b.localeCompare(a)), `${b} vs ${a}`);
  }
  for (const [a, b] of [['a_b', 'a.b'], ['a.b', 'a0'], ['a9', 'aa'], ['a', 'a_'], ['a.b.c', 'ab']] as const) {
    assert.ok(compareParamNames(a, b) < 0, `${a} before ${b}`);
    assert.ok(a.localeCompare(b) < 0, `localeCompare: ${a} before ${b}`);
  }
  // Outside the alphabet (never a declared name): localeCompare decides.
  assert.equal(sign(compareParamNames('a.B', 'a.b')), sign('a.B'.localeCompare('a.b')));
});

test('ParamCatalog.all() sorts by compareParamNames', () => {
  const g = declareCosts({
    b: { name: 'x.b', unit: 'ns', doc: 'b', value: 1, source: 'estimate: test' },
    u: { name: 'x_a.z', unit: 'ns', doc: 'u', value: 1, source: 'estimate: test' },
    d: { name: 'x.a', unit: 'ns', doc: 'd', value: 1, source: 'estimate: test' },
    n: { name: 'x.9', unit: 'ns', doc: 'n', value: 1, source: 'estimate: test' },
  });
  assert.deepEqual(new ParamCatalog([g]).all().map((c) => c.name), ['x_a.z', 'x.9', 'x.a', 'x.b']);
});
