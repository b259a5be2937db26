/**
 * Bundles the CLI (`src/cli/main.ts`) into `dist/linkbook.mjs` plus lazily loaded chunks, so the
 * `linkbook` command starts without transpiling TypeScript (npm run build; `prepare` runs it on
 * install). Packages stay external; dynamic imports stay dynamic (code splitting), so `validate`
 * still never loads Chromium or vega.
 *
 *   node --import tsx scripts/build.ts [outdir]
 */
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build, type Metafile, type Plugin } from 'esbuild';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface BuildResult {
  entry: string;
  files: string[];
  /** When the build started: the entry's modification time (see bin/bundle.js). */
  startedAt: Date;
  milliseconds: number;
  /** What esbuild put where: each output's inputs and imports (static and dynamic). */
  metafile: Metafile;
}

/**
 * Packages compiled into the bundle rather than loaded from node_modules at run time: vega and
 * vega-lite are ~60 small ESM packages, and resolving, reading and compiling them one by one cost
 * more than their code (bench/RESULTS.md). So are puppeteer-core and what it loads on start (its
 * ~120 files, @puppeteer/browsers, semver's ~50, ws, debug): loading them went before Chromium's
 * launch on the critical path, and bundled they cost ~80 ms less CPU (bench/RESULTS.md, issue
 * 20). puppeteer's own dynamic imports (BiDi, the WebSocket transports) stay lazy chunks;
 * chromium-bidi and proxy-agent (loaded only for BiDi and for downloading browsers) stay
 * external. The rest stay external: native modules and packages that read their own files at
 * run time.
 */
export const BUNDLED_PACKAGES: readonly RegExp[] = [
  /^vega/,
  /^d3-/,
  /^zod$/,
  /^yaml$/,
  /^fast-json-patch$/,
  /^json-stringify-pretty-compact$/,
  /^clone$/,
  /^topojson-client$/,
  /^delaunator$/,
  /^robust-predicates$/,
  /^internmap$/,
  /^puppeteer-core$/,
  /^@puppeteer\/browsers$/,
  /^semver$/,
  /^ws$/,
  /^debug$/,
  /^ms$/,
  /^supports-color$/,
  /^has-flag$/,
];

/** Bare imports stay external unless their package is in BUNDLED_PACKAGES. */
function externalPackages(bundled: readonly RegExp[]): Plugin {
  return {
    name: 'external-packages',
    setup(builder) {
      builder.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.path.startsWith('node:')) return { external: true };
        const parts = args.path.split('/');
        const name = args.path.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
        return bundled.some((pattern) => pattern.test(name)) ? undefined : { external: true };
      });
    },
  };
}

/**
 * Source files that find their package data (templates/, schema/) with `import.meta.url` keep
 * doing so from inside the bundle: their `import.meta.url` is rewritten to their own source path,
 * relative to the output folder. Every output file sits directly in that folder, so one relative
 * path serves whichever chunk the code lands in.
 */
function keepSourceUrls(outdir: string): Plugin {
  return {
    name: 'keep-source-urls',
    setup(builder) {
      builder.onLoad({ filter: /\.ts$/ }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes('import.meta.url')) return undefined;
        const relative = path.relative(outdir, args.path).split(path.sep).join('/');
        return {
          contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`),
          loader: 'ts',
        };
      });
    },
  };
}

/**
 * Writes the bundle into `outdir` (default `dist/`): chunks first, the entry last through a temp
 * file and a rename, so a half-written build is never picked up; then stamps the entry with the
 * build's start time, so a source saved while the build ran makes it stale at once. Returns the
 * files written.
 */
export async function buildBundle(
  outdir = path.join(ROOT, 'dist'),
  bundled: readonly RegExp[] = BUNDLED_PACKAGES,
): Promise<BuildResult> {
  const startedAt = new Date();
  const result = await build({
    absWorkingDir: ROOT,
    // the CLI, and the library entry of package.json `exports` (src/index.ts); they share chunks
    entryPoints: {
      linkbook: path.join(ROOT, 'src/cli/main.ts'),
      index: path.join(ROOT, 'src/index.ts'),
      // the aggregation worker thread's body, started from plain JavaScript (src/aggregate/parallel.ts)
      'aggregate-worker': path.join(ROOT, 'src/aggregate/parallel-worker.ts'),
    },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // a bundled CommonJS package may call require(); ESM output has none of its own
    banner: {
      js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);",
    },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
    // less text for V8 to parse at every start (module compilation was ~150 ms of a cold run's
    // CPU on Node 20, which has no compile cache; minified: 2.47 -> 1.76 MB for the largest chunk,
    // spawn to exit 920 -> 880 ms median of 12 alternating runs: bench/RESULTS.md, issue 20);
    // identifiers stay, so stack traces and profiles keep their function names (and --verbose
    // maps them to src/)
    minifyWhitespace: true,
    minifySyntax: true,
    write: false,
    metafile: true,
    logLevel: 'warning',
    plugins: [externalPackages(bundled), keepSourceUrls(outdir)],
  });
  rmSync(outdir, { recursive: true, force: true });
  mkdirSync(outdir, { recursive: true });
  const entry = path.join(outdir, 'linkbook.mjs');
  const files = result.outputFiles.map((f) => f.path);
  for (const file of result.outputFiles.filter((f) => f.path !== entry)) writeFileSync(file.path, file.contents);
  const entryFile = result.outputFiles.find((f) => f.path === entry);
  if (!entryFile) throw new Error(`esbuild wrote no ${entry}`);
  writeFileSync(`${entry}.tmp`, entryFile.contents);
  renameSync(`${entry}.tmp`, entry);
  utimesSync(entry, startedAt, startedAt);
  return { entry, files, startedAt, milliseconds: Date.now() - startedAt.getTime(), metafile: result.metafile };
}

/**
 * Writes the library's type declarations (`dist/types/`, package.json `types`) with tsc from
 * tsconfig.build.json. tsc keeps the sources' `.ts` import specifiers in declarations, which a
 * consumer without `allowImportingTsExtensions` cannot resolve, so they are rewritten to `.js`
 * (TypeScript maps `./x.js` to `./x.d.ts`).
 */
export function buildDeclarations(outdir = path.join(ROOT, 'dist', 'types')): number {
  const started = Date.now();
  rmSync(outdir, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const result = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outdir], {
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`tsc could not write the declarations (exit ${result.status})`);
  const rewrite = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) rewrite(full);
      else if (entry.name.endsWith('.d.ts')) {
        const text = readFileSync(full, 'utf8');
        writeFileSync(full, text.replace(/((?:from|import)\s*\(?\s*)(['"])(\.{1,2}\/[^'"]+)\.ts\2/g, '$1$2$3.js$2'));
      }
    }
  };
  rewrite(outdir);
  return Date.now() - started;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildBundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  // declarations need typescript, a dev dependency: an install of the published package skips them
  if (!process.argv[2] && existsSync(path.join(ROOT, 'node_modules', 'typescript'))) {
    console.log(`wrote dist/types in ${buildDeclarations()} ms`);
  }
  const chunks = readdirSync(path.dirname(built.entry)).filter((f) => f.endsWith('.mjs')).length;
  console.log(`wrote ${path.relative(process.cwd(), built.entry)} (${chunks} files) in ${built.milliseconds} ms`);
}
