/**
 * Summarises a V8 CPU profile (`node --cpu-prof` writes `*.cpuprofile`): self time per function
 * (name, file:line), the share of the sampled time, and the total per source file, so a note can
 * say where the time went without opening DevTools.
 *
 *   node --import tsx bench/profile-summary.ts <file.cpuprofile> [top=30]
 */
import { readFileSync } from 'node:fs';
import { isMain } from './figures.ts';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface ProfileLine {
  name: string;
  where: string;
  ms: number;
  share: number;
}

/** Self time (ms) per function and per file, from the sample deltas, largest first. */
export function summariseProfile(profile: CpuProfile): {
  total: number;
  functions: ProfileLine[];
  files: ProfileLine[];
} {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...selfUs.values()].reduce((a, b) => a + b, 0) / 1000;
  const fns = new Map<string, ProfileLine>();
  const files = new Map<string, ProfileLine>();
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const file = url.replace(/^file:\/\/.*?\/(src|bench|node_modules)\//, '$1/') || '(native)';
    const name = functionName || '(anonymous)';
    const key = `${name} ${file}:${lineNumber + 1}`;
    const f = fns.get(key) ?? { name, where: `${file}:${lineNumber + 1}`, ms: 0, share: 0 };
    f.ms += us / 1000;
    fns.set(key, f);
    const g = files.get(file) ?? { name: file, where: '', ms: 0, share: 0 };
    g.ms += us / 1000;
    files.set(file, g);
  }
  const ranked = (m: Map<string, ProfileLine>) =>
    [...m.values()].map((l) => ({ ...l, share: l.ms / total })).sort((a, b) => b.ms - a.ms);
  return { total, functions: ranked(fns), files: ranked(files) };
}

/** Prints the `top` functions by self time, then the files. */
export function printProfileSummary(profile: CpuProfile, top: number): void {
  const { total, functions, files } = summariseProfile(profile);
  const pct = (s: number) => `${(s * 100).toFixed(1).padStart(5)}%`;
  console.log(`sampled ${total.toFixed(0)} ms`);
  for (const f of functions.slice(0, top))
    console.log(`${pct(f.share)} ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}  ${f.where}`);
  console.log('-- by file');
  for (const f of files.slice(0, 15)) console.log(`${pct(f.share)} ${f.ms.toFixed(0).padStart(6)} ms  ${f.name}`);
}

if (isMain(import.meta.url)) {
  const [file, top = '30'] = process.argv.slice(2);
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [top]');
  printProfileSummary(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, Number(top));
}
