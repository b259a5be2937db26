/**
 * Bundles the CLI (`src/cli/main.ts`) into `dist/linkbook.mjs` plus lazily loaded chunks, so the
 * `linkbook` command starts without transpiling TypeScript (npm run build; `prepare` runs it on
 * install). Packages stay external; dynamic imports stay dynamic (code splitting), so `validate`
 * still never loads Chromium or vega.
 *
 *   node --import tsx scripts/build.ts [outdir]
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import path from 'node:path';
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
 * more than their code (bench/RESULTS.md). The rest stay external: native modules, packages that
 * read their own files at run time, and puppeteer.
 */
export const BUNDLED_PACKAGES: readonly RegExp[] = [/^vega/, /^d3-/, /^zod$/, /^yaml$/, /^fast-json-patch$/, /^json-stringify-pretty-compact$/, /^clone$/, /^topojson-client$/, /^delaunator$/, /^robust-predicates$/, /^internmap$/];

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
        return { contents: source.replaceAll('import.meta.url', `new URL(${JSON.stringify(relative)}, import.meta.url).href`), loader: 'ts' };
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
export async function buildBundle(outdir = path.join(ROOT, 'dist'), bundled: readonly RegExp[] = BUNDLED_PACKAGES): Promise<BuildResult> {
  const startedAt = new Date();
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { linkbook: path.join(ROOT, 'src/cli/main.ts') },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // a bundled CommonJS package may call require(); ESM output has none of its own
    banner: { js: "import { createRequire as createRequireForBundle } from 'node:module'; const require = createRequireForBundle(import.meta.url);" },
    outdir,
    outExtension: { '.js': '.mjs' },
    chunkNames: 'chunk-[hash]',
    sourcemap: 'linked',
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

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const built = await buildBundle(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
  const chunks = readdirSync(path.dirname(built.entry)).filter((f) => f.endsWith('.mjs')).length;
  console.log(`wrote ${path.relative(process.cwd(), built.entry)} (${chunks} files) in ${built.milliseconds} ms`);
}
