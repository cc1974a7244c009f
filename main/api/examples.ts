/** The examples gallery: every script and JSON spec shipped in resources/examples, with a title and a one-line description. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ExampleInfo } from '../common/api/types';

function describeJson(source: string): { title: string; description: string } {
  try {
    const raw = JSON.parse(source) as unknown;
    const first = (Array.isArray(raw) ? raw[0] : raw) as { name?: unknown; description?: unknown } | undefined;
    const name = typeof first?.name === 'string' ? first.name : '';
    const desc = typeof first?.description === 'string' ? first.description : '';
    return { title: name, description: Array.isArray(raw) ? `Sweep of ${raw.length} runs. ${desc}` : desc };
  } catch {
    return { title: '', description: 'not valid JSON' };
  }
}

function describeScript(source: string): { title: string; description: string } {
  // The leading comment block is the script's own description.
  const m = /^\s*(?:\/\*\*?([\s\S]*?)\*\/|((?:\s*\/\/.*\n?)+))/.exec(source);
  const text = (m?.[1] ?? m?.[2] ?? '')
    .split('\n')
    .map((l) => l.replace(/^\s*(\*|\/\/)\s?/, '').trim())
    .filter(Boolean)
    .join(' ');
  // The title is the first sentence, however the comment wraps it; the rest describes.
  const end = text.search(/\.(\s|$)/);
  const title = end < 0 ? text : text.slice(0, end + 1);
  return { title, description: text.slice(title.length).trim() };
}

export function listExamples(dir: string): ExampleInfo[] {
  let files: string[];
  try {
    // tsconfig.json and other tool files are not examples.
    files = readdirSync(dir).filter((f) => /\.(json|ts)$/.test(f) && !f.endsWith('.d.ts') && !f.endsWith('.test.ts') && !/^(ts|js)config.*\.json$/.test(f) && f !== 'package.json');
  } catch {
    return [];
  }
  return files.sort().map((file) => {
    const source = readFileSync(join(dir, file), 'utf8');
    const language = file.endsWith('.ts') ? 'ts' : 'json';
    const d = language === 'ts' ? describeScript(source) : describeJson(source);
    return { file, title: d.title || file, description: d.description, language, source };
  });
}
