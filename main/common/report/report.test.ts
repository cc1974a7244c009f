import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { CompareResult } from '../api/types';
import { fmtDuration } from './format';
import { markdown } from './markdown';
import { barChart, cdfChart, lineChart } from './svg-chart';
import { metricTable } from './tables';
import { el, textOf, toMarkup } from './vnode';

function compare(n: number, params: string[] = ['a', 'b']): CompareResult {
  const groups = Array.from({ length: n }, (_, i) => ({ key: String(i), experiment: 'e', point: { a: `x${i % 4}`, b: i }, label: `a=x${i % 4}, b=${i}`, runIds: [i + 1] }));
  return { groups, params, metrics: [{ name: 'lat', unit: 'ns', doc: 'latency', stats: groups.map((_, i) => ({ mean: 100 + i, ci95: i % 2 ? 5 : null, n: i % 2 ? 3 : 1, min: 0, max: 0 })) }] };
}

test('markup escapes text and attributes and refuses event handlers', () => {
  assert.equal(toMarkup(el('p', { title: '"x" & <y>' }, '<script>')), '<p title="&quot;x&quot; &amp; &lt;y&gt;">&lt;script&gt;</p>');
  assert.throws(() => toMarkup(el('a', { onclick: 'x' })), /refused attribute/);
  assert.throws(() => toMarkup(el('style', null, '</style><script>')), /refused style/);
});

test('markdown: headings, lists, code, emphasis and links become elements, never markup', () => {
  const nodes = markdown('# T\n\nsome **bold** and `code` <b>\n\n- one\n- two\n\n```\nx < y\n```\n[QEMU](https://qemu.org)');
  assert.deepEqual(nodes.map((n) => n.tag), ['h1', 'p', 'ul', 'pre', 'p']);
  const html = nodes.map(toMarkup).join('');
  assert.match(html, /<strong>bold<\/strong>/);
  assert.match(html, /&lt;b&gt;/);
  assert.match(html, /x &lt; y/);
  assert.match(textOf(nodes[4]!), /QEMU \(https:\/\/qemu.org\)/);
});

test('a 28-configuration bar chart draws every label, colours by the first parameter with a legend, and keeps labels inside', () => {
  const svg = barChart(compare(28), 'lat', false)!;
  const html = toMarkup(svg);
  assert.equal((html.match(/class="bar-label"/g) ?? []).length, 28);
  assert.equal((html.match(/class="bar"/g) ?? []).length, 28);
  assert.equal(svg.attrs['data-whiskers'], 14);
  const legend = svg.children.find((c) => typeof c !== 'string' && c.attrs.class === 'legend');
  assert.ok(legend && typeof legend !== 'string');
  assert.equal(legend.attrs['data-items'], 4, 'one legend item per value of a');
  // Rotated labels reach left of their bar by 0.71 of their width: none may start before x = 0.
  const rotated = [...html.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="(\d+)" text-anchor="end" transform="rotate\(-45[^"]*" class="bar-label">([^<]*)</g)];
  assert.equal(rotated.length, 28);
  for (const m of html.matchAll(/<text x="([\d.]+)" y="[\d.]+" font-size="(\d+)" text-anchor="end" transform="rotate\(-45[^"]*" class="bar-label">([^<]*)</g)) {
    assert.ok(Number(m[1]) - m[3]!.length * Number(m[2]) * 0.66 * 0.71 >= 0, `label ${m[3]} starts left of the chart`);
  }
  assert.doesNotMatch(html, /stroke="(white|#fff)/i, 'whiskers are never white');
});

test('line and CDF charts keep their legend below the plot and never repeat a colour-and-dash style', () => {
  const line = toMarkup(lineChart(compare(24), 'lat', 'b', true)!);
  const styles = [...line.matchAll(/<polyline [^>]*stroke="(#[0-9a-f]+)"(?: stroke-width="[\d.]+")?(?: stroke-dasharray="([^"]*)")?/g)].map((m) => `${m[1]}|${m[2] ?? ''}`);
  assert.equal(styles.length, 4);
  assert.equal(new Set(styles).size, styles.length);
  const groups = Array.from({ length: 12 }, (_, i) => ({ group: { key: String(i), experiment: 'e', point: {}, label: `g${i}`, runIds: [i] }, count: 10, points: [{ value: 1, q: 0 }, { value: 10 + i, q: 1 }] }));
  const cdf = cdfChart({ metric: 'lat', unit: 'ns', groups }, false)!;
  const s = [...toMarkup(cdf).matchAll(/<polyline [^>]*stroke="(#[0-9a-f]+)"(?: stroke-width="[\d.]+")?(?: stroke-dasharray="([^"]*)")?/g)].map((m) => `${m[1]}|${m[2] ?? ''}`);
  assert.equal(new Set(s).size, 12, 'twelve CDFs, twelve distinct styles');
  const legendY = Number(/<g class="legend"[^>]*><line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)"/.exec(toMarkup(cdf))![1]);
  assert.ok(legendY > 254, 'the legend starts below the plot area');
});

test('metric tables show mean ± CI and N per configuration, with units in the headers', () => {
  const t = toMarkup(metricTable(compare(3)));
  assert.match(t, /lat<span class="unit"> \(ns\)<\/span>/);
  assert.match(t, /101<\/span><span class="ci"> ± 5<\/span><span class="n"> N=3<\/span>/);
});

test('durations never read "2 m 60 s"', () => {
  assert.equal(fmtDuration(179_600), '3 m 0 s');
  assert.equal(fmtDuration(59_970), '1 m 0 s');
  assert.equal(fmtDuration(125_000), '2 m 5 s');
});
