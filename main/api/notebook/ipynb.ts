/**
 * A notebook as a Jupyter notebook (nbformat 4), for people who live in Jupyter: the title and
 * question, each markdown and text cell as markdown, each experiment's script as a fenced block,
 * and code cells that load the notebook's runs from their CSV (the rows `viommu-lab export csv`
 * writes, embedded in the first code cell so the .ipynb is one file) and redo each chart and
 * table with pandas and matplotlib: mean, 95 % CI (Student t when scipy is there, else 1.96) and N
 * per configuration. Histograms and time series are not in the CSV: a CDF or series cell says
 * so and charts what the CSV has of it (the histogram's quantiles). Nothing here is run; the
 * .ipynb has no outputs.
 */
import type { Notebook } from '../../common/notebook/schema';
import { ENGINE_VERSION } from '../../common/result';
import { runsCsv } from '../../report/runs-csv';
import * as q from '../../store/run-queries';
import type { LabStore } from '../../store/store';

interface IpynbCell {
  cell_type: 'markdown' | 'code';
  id: string;
  metadata: Record<string, unknown>;
  source: string[];
  execution_count?: null;
  outputs?: unknown[];
}

/** A Python string literal: JSON's double-quoted form is one (its escapes are Python's too). */
const py = (s: string): string => JSON.stringify(s);
const pyList = (xs: readonly string[]): string => `[${xs.map(py).join(', ')}]`;

function lines(text: string): string[] {
  const parts = text.split('\n');
  return parts.map((l, i) => (i < parts.length - 1 ? `${l}\n` : l)).filter((l, i, a) => !(i === a.length - 1 && l === ''));
}

const SETUP = `
def summary(df, metric, by):
    """Mean, 95 % confidence half-width and N of a metric per configuration (the notebook's table)."""
    g = df.groupby(by, dropna=False)[metric].agg(['mean', 'std', 'count'])
    try:
        from scipy.stats import t
        q = g['count'].map(lambda n: t.ppf(0.975, n - 1) if n > 1 else float('nan'))
    except ImportError:
        q = 1.96
    g['ci95'] = q * g['std'] / g['count'] ** 0.5
    return g[['mean', 'ci95', 'count']].rename(columns={'count': 'N'})  # ci95 is NaN where N = 1 (plots draw no whisker)


def varying(df):
    """The sweep parameters that vary among these runs."""
    return [c for c in df.columns if c.startswith('param.') and df[c].nunique(dropna=False) > 1]


def select(experiment_cell, where=None):
    """The runs of an experiment cell (by configuration hash, as the notebook does), optionally filtered by parameters."""
    df = runs[runs['config_hash'].isin(CONFIGS[experiment_cell])]
    for k, v in (where or {}).items():
        df = df[df['param.' + k] == v]
    return df
`;

export function notebookIpynb(store: LabStore, name: string, nb: Notebook): string {
  const configs: Record<string, string[]> = {};
  const rows = [];
  for (const cell of nb.cells) {
    const st = nb.state[cell.id];
    if (cell.type !== 'experiment') continue;
    configs[cell.id] = st?.results?.map((r) => r.configHash) ?? [];
    if (st?.experiment !== undefined && st.results !== undefined) rows.push(...q.allRuns(store, { experiment: st.experiment, status: 'done', configs: configs[cell.id] }));
  }
  const csv = runsCsv(store, rows);
  let n = 0;
  const md = (text: string): IpynbCell => ({ cell_type: 'markdown', id: `md-${++n}`, metadata: {}, source: lines(text) });
  const code = (text: string): IpynbCell => ({ cell_type: 'code', id: `code-${++n}`, metadata: {}, execution_count: null, outputs: [], source: lines(text.trim()) });

  const cells: IpynbCell[] = [
    md(`# ${nb.title || name}\n\n${nb.question}\n\n*Exported from vIOMMU Lab ${ENGINE_VERSION}: the first code cell holds the notebook's ${rows.length} runs as CSV (the columns of \`viommu-lab export csv\`: identity, \`param.*\` sweep parameters, then every scalar metric). Charts of histograms and time series are in the lab's HTML/PDF report.*`),
    code(`import io\n\nimport matplotlib.pyplot as plt\nimport pandas as pd\n\nRUNS_CSV = ${py(csv)}\nruns = pd.read_csv(io.StringIO(RUNS_CSV))\n# Each experiment cell's runs, by configuration hash.\nCONFIGS = ${JSON.stringify(configs)}\n${SETUP}`),
  ];
  for (const cell of nb.cells) {
    if (cell.type === 'markdown') cells.push(md(cell.source));
    else if (cell.type === 'text') cells.push(md(`${cell.source}\n\n*(Quoted values \`{{metric}}\` are filled in by the lab's report; \`summary(select(${py(cell.input)}), metric, varying(select(${py(cell.input)})) or ['experiment'])\` gives them here.)*`));
    else if (cell.type === 'experiment') {
      const lang = cell.file.endsWith('.ts') ? 'typescript' : 'json';
      cells.push(md(`### Experiment \`${cell.file}\` (cell \`${cell.id}\`)\n\n\`\`\`${lang}\n${cell.source.replace(/\n$/, '')}\n\`\`\``));
      cells.push(code(`df = select(${py(cell.id)})\ndf[['run_id', 'name', 'replication', 'seed'] + varying(df)]`));
    } else if (cell.type === 'table') {
      const where = JSON.stringify(cell.filter);
      cells.push(
        code(`# ${cell.title || 'Table'}: mean, 95 % CI and N per configuration
df = select(${py(cell.input)}, ${where})
by = varying(df) or ['experiment']
wanted = ${pyList(cell.metrics)}
metrics = [c for c in df.columns if any(c == m or (m.endswith('.*') and c.startswith(m[:-1])) for m in wanted)]
pd.concat({m: summary(df, m, by) for m in metrics}, axis=1)`),
      );
    } else {
      const where = JSON.stringify(cell.filter);
      const title = py(cell.title || cell.metric);
      if (cell.kind === 'bar') {
        cells.push(
          code(`df = select(${py(cell.input)}, ${where})
s = summary(df, ${py(cell.metric)}, varying(df) or ['experiment'])
ax = s['mean'].plot.bar(yerr=s['ci95'].fillna(0), capsize=3, figsize=(10, 4), logy=${cell.log ? 'True' : 'False'})
ax.set_title(${title}); ax.set_ylabel(${py(cell.metric)})
plt.tight_layout()`),
        );
      } else if (cell.kind === 'line') {
        cells.push(
          code(`df = select(${py(cell.input)}, ${where})
params = varying(df)
x = ${cell.x ? py(`param.${cell.x}`) : "params[0]"}
others = [p for p in params if p != x]
s = summary(df, ${py(cell.metric)}, [x] + others).reset_index()
fig, ax = plt.subplots(figsize=(10, 4))
for key, g in (s.groupby(others) if others else [(${py(cell.metric)}, s)]):
    values = key if isinstance(key, tuple) else (key,)
    label = ', '.join(f'{o[6:]}={v}' for o, v in zip(others, values)) if others else str(key)
    ax.errorbar(g[x], g['mean'], yerr=g['ci95'].fillna(0), capsize=3, marker='o', label=label)
ax.set_xlabel(x); ax.set_ylabel(${py(cell.metric)}); ax.set_title(${title})
${cell.log ? "ax.set_yscale('log')\n" : ''}ax.legend(fontsize='small', bbox_to_anchor=(1.02, 1), loc='upper left')
plt.tight_layout()`),
        );
      } else {
        cells.push(md(`*${cell.kind === 'cdf' ? 'The latency CDF' : 'The time series'} of \`${cell.metric}\` is drawn from stored ${cell.kind === 'cdf' ? 'histograms' : 'series'}, which the CSV does not carry (see the lab's report). Below: what the CSV has of it.*`));
        cells.push(code(`df = select(${py(cell.input)}, ${where})\ncols = [c for c in df.columns if c.startswith(${py(`${cell.metric}.`)})]\ndf.groupby(varying(df) or ['experiment'])[cols].mean()`));
      }
    }
  }
  const doc = {
    nbformat: 4,
    nbformat_minor: 5,
    metadata: {
      kernelspec: { name: 'python3', display_name: 'Python 3', language: 'python' },
      language_info: { name: 'python' },
      viommu_lab: { notebook: name, engine_version: ENGINE_VERSION },
    },
    cells,
  };
  return JSON.stringify(doc, null, 1) + '\n';
}
