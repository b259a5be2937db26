/**
 * The one-thread pass of bench/aggregate.ts alone, each page a new string (as a cache read gives
 * it), under V8's CPU profiler (node:inspector, started after the pages are fetched, so the
 * emulator's page generation is not in it): what a worker does per row, without the threads.
 * Writes the profile and prints its summary (bench/profile-summary.ts).
 *
 * With `gz`, the pages are gzipped as the cache stores them and gunzipped in the pass.
 *
 *   node --import tsx bench/profile-aggregate.ts [pages=1000] [out=tmp/aggregate.cpuprofile] [gz]
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { aggregatePages, fetchPages, gzippedAsCached } from './aggregate.ts';
import { printProfileSummary } from './profile-summary.ts';

const count = Number(process.argv[2] ?? 1000);
const out = process.argv[3] ?? 'tmp/aggregate.cpuprofile';
const texts = await fetchPages(40);
const pages = process.argv[4] === 'gz' ? texts.map(gzippedAsCached) : texts;
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 250 });
await session.post('Profiler.start');
const run = aggregatePages(pages, count, true);
const { profile } = await session.post('Profiler.stop');
session.disconnect();
writeFileSync(out, JSON.stringify(profile));
console.log(
  `${run.rows} rows in ${run.seconds.toFixed(2)} s wall, ${run.cpuSeconds.toFixed(2)} s CPU (process): ${Math.round(run.rows / run.cpuSeconds)} rows per CPU s`,
);
printProfileSummary(profile as never, 40);
