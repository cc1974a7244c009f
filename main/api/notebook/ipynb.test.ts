import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'csv-parse/sync';
import { dispatch } from '../../common/api/contract';
import { LabStore } from '../../store/store';
import { InProcessExecutor } from '../engine/in-process';
import { createLabService } from '../service';
import { specJson } from '../../../test/support/fake-executor';

interface Cell {
  cell_type: string;
  id: string;
  source: string[];
  outputs?: unknown[];
  execution_count?: null;
}

const sweep = JSON.stringify(
  [64, 128].flatMap((ring) => [0, 1].map((rep) => ({ ...specJson('ipynb sweep', { ring }, rep, 7 + rep), duration: '50us', devices: [{ id: 'nic0', vm: 'vm0', kind: 'nic', workload: { kind: 'nic', direction: 'rx', bitrate: '1Gbps', packetSize: 1500, ringSize: ring, queues: 1 } }] }))),
  null,
  2,
);

test('a notebook exports as a Jupyter notebook: markdown cells, and code cells that load its runs as CSV and redo its charts and tables', async () => {
  const store = LabStore.open(':memory:');
  const service = createLabService({ store, executor: new InProcessExecutor() });
  try {
    const created = await dispatch(service, 'createNotebook', {
      name: 'for jupyter',
      question: 'Does the ring size move the DMA latency?',
      cells: [
        { id: 'intro', type: 'markdown', source: '# Ring sizes\nTwo rings, two replications each.' },
        { id: 'exp', type: 'experiment', file: 'rings.json', source: sweep },
        { id: 'bars', type: 'chart', input: 'exp', kind: 'bar', metric: 'dma.latency_ns.mean' },
        { id: 'line', type: 'chart', input: 'exp', kind: 'line', metric: 'dma.latency_ns.mean', x: 'ring', log: true },
        { id: 'cdf', type: 'chart', input: 'exp', kind: 'cdf', metric: 'dma.latency_ns' },
        { id: 'numbers', type: 'table', input: 'exp', metrics: ['dma.latency_ns.mean', 'dma.bytes'] },
        { id: 'answer', type: 'text', input: 'exp', source: 'Mean latency: {{dma.latency_ns.mean}}.' },
      ],
    });
    const ran = await dispatch(service, 'runNotebook', { id: created.id });
    assert.ok(ran.cells.every((c) => c.status === 'fresh'), JSON.stringify(ran.cells.map((c) => [c.cell.id, c.status, c.state?.error])));
    const f = await dispatch(service, 'exportNotebook', { id: created.id, format: 'ipynb' });
    assert.equal(f.fileName, 'for-jupyter.ipynb');
    const doc = JSON.parse(f.data) as { nbformat: number; nbformat_minor: number; metadata: { kernelspec: { language: string } }; cells: Cell[] };
    assert.equal(doc.nbformat, 4);
    assert.ok(doc.nbformat_minor >= 5, 'cell ids need nbformat 4.5');
    assert.equal(doc.metadata.kernelspec.language, 'python');
    assert.equal(new Set(doc.cells.map((c) => c.id)).size, doc.cells.length, 'unique cell ids');
    for (const c of doc.cells) {
      assert.ok(Array.isArray(c.source) && c.source.every((l) => typeof l === 'string'));
      if (c.cell_type === 'code') assert.ok(Array.isArray(c.outputs) && c.outputs.length === 0 && c.execution_count === null, 'not run: no outputs');
    }
    const text = (c: Cell) => c.source.join('');
    // The title and question, then the runs as CSV: the columns `viommu-lab export csv` writes.
    assert.match(text(doc.cells[0]!), /^# for jupyter\n\nDoes the ring size move the DMA latency\?/);
    const setup = text(doc.cells[1]!);
    const csv = JSON.parse(/^RUNS_CSV = (".*")$/m.exec(setup)![1]!) as string;
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    assert.equal(rows.length, 4);
    assert.deepEqual([...new Set(rows.map((r) => r['param.ring']))].sort(), ['128', '64']);
    assert.ok(rows.every((r) => Number(r['dma.latency_ns.mean']) > 0));
    const configs = JSON.parse(/^CONFIGS = (.*)$/m.exec(setup)![1]!) as Record<string, string[]>;
    assert.deepEqual(new Set(configs.exp), new Set(rows.map((r) => r.config_hash)), 'the experiment cell selects its runs by configuration hash');
    assert.match(setup, /pd\.read_csv\(io\.StringIO\(RUNS_CSV\)\)/);
    // Each notebook cell in order: markdown as markdown, the script as a fenced block, charts and tables as pandas code.
    const body = doc.cells.slice(2).map((c) => `${c.cell_type}: ${text(c)}`);
    assert.match(body[0]!, /^markdown: # Ring sizes\nTwo rings/);
    assert.match(body[1]!, /^markdown: ### Experiment `rings\.json`[\s\S]*```json\n\[/);
    assert.match(body[2]!, /^code: df = select\("exp"\)/);
    assert.match(body[3]!, /^code: [\s\S]*summary\(df, "dma\.latency_ns\.mean"[\s\S]*plot\.bar\(yerr=s\['ci95'\]\.fillna\(0\)/);
    assert.match(body[4]!, /^code: [\s\S]*x = "param\.ring"[\s\S]*errorbar[\s\S]*set_yscale\('log'\)/);
    assert.match(body[5]!, /^markdown: \*The latency CDF of `dma\.latency_ns` is drawn from stored histograms, which the CSV does not carry/);
    assert.match(body[6]!, /^code: df = select\("exp", \{\}\)\ncols = \[c for c in df\.columns if c\.startswith\("dma\.latency_ns\."\)\]/);
    assert.match(body[7]!, /^code: # Table[\s\S]*wanted = \["dma\.latency_ns\.mean", "dma\.bytes"\]/);
    assert.match(body[8]!, /^markdown: Mean latency: \{\{dma\.latency_ns\.mean\}\}\./);
    assert.equal(body.length, 9);
  } finally {
    await service.close();
    store.close();
  }
});
