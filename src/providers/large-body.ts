/**
 * Large API answers (issue 20): a 2xx body above the layer's threshold is gzipped as it arrives
 * (`GzipCollector`) and kept as those compressed bytes (about a tenth of the JSON), never as one
 * Buffer or string. Readers stream it back as text (`bodyText`) and split its rows array in
 * batches (json-stream.ts), so memory is the compressed body plus a batch.
 */
import { once } from 'node:events';
import { StringDecoder } from 'node:string_decoder';
import { constants, createGunzip, createGzip, gunzipSync, type Gzip } from 'node:zlib';
import { LinkbookError } from '../errors.ts';
import type { GzippedBody, RawValue } from '../model.ts';
import { parseJsonBody } from './json-body.ts';
import { parseJsonBytes } from './json-bytes.ts';
import { JsonRowsSplitter, splitJsonRows, type SplitterOptions } from './json-stream.ts';
import { isJsonObject } from './values.ts';

/** A 2xx body above this many bytes is streamed (gzipped as it arrives), unless LINKBOOK_STREAM_BODY_BYTES says otherwise. */
export const DEFAULT_STREAM_ABOVE_BYTES = 16 * 1024 * 1024;
/** The most bytes (uncompressed) a streamed body may have: it is never held whole, so the cap is larger than the held one. */
export const MAX_STREAMED_BYTES = 4 * 1024 * 1024 * 1024;
/** Text chunks of a streamed body: big enough that per-chunk work vanishes, small enough to stay below V8's large-object size. */
const TEXT_CHUNK_BYTES = 64 * 1024;

/** `LINKBOOK_STREAM_BODY_BYTES` when it is a positive integer, else undefined. */
export function streamAboveBytesFromEnv(env: Record<string, string | undefined> = process.env): number | undefined {
  const bytes = Number(env.LINKBOOK_STREAM_BODY_BYTES);
  return Number.isInteger(bytes) && bytes > 0 ? bytes : undefined;
}

/** The threshold in force: the environment's, else the default. */
export function streamAboveBytes(env: Record<string, string | undefined> = process.env): number {
  return streamAboveBytesFromEnv(env) ?? DEFAULT_STREAM_ABOVE_BYTES;
}

/**
 * Gzips bytes as they arrive and keeps the compressed chunks; `write` waits while zlib is behind,
 * so what waits uncompressed is at most zlib's buffer plus a chunk.
 */
export class GzipCollector {
  private readonly gzip: Gzip = createGzip();
  private readonly out: Buffer[] = [];
  private compressed = 0;
  private failure: unknown;
  size = 0;

  constructor() {
    this.gzip.on('data', (chunk: Buffer) => {
      this.out.push(chunk);
      this.compressed += chunk.byteLength;
    });
    this.gzip.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(chunk: Uint8Array): Promise<void> {
    if (this.failure) throw this.failure;
    this.size += chunk.byteLength;
    if (!this.gzip.write(chunk)) await once(this.gzip, 'drain');
  }

  /** Ends the stream and returns the body in the cache's format. */
  async end(): Promise<GzippedBody> {
    if (this.failure) throw this.failure;
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    await ended;
    const gz = Buffer.concat(this.out, this.compressed);
    this.out.length = 0;
    return { gz, size: this.size, from: 'network' };
  }

  destroy(): void {
    this.gzip.destroy();
    this.out.length = 0;
  }
}

/** The error of a gzipped body that cannot be read back: for a cached one, it names the cache and the fix. */
function unreadable(body: GzippedBody, error: unknown): LinkbookError {
  const reason = error instanceof Error ? error.message : String(error);
  if (body.from === 'cache')
    return new LinkbookError('api', `a cached API response is unreadable (gzip: ${reason})`, {
      where: 'response cache',
      hint: 'clear the cache with `linkbook cache clear`, or run with --no-cache',
      retryable: false,
    });
  return new LinkbookError('internal', `a streamed response body could not be read back (gzip: ${reason})`);
}

/** The body as text, chunk by chunk (UTF-8 decoded across chunk boundaries). */
export async function* bodyText(body: GzippedBody): AsyncGenerator<string> {
  const gunzip = createGunzip({ chunkSize: TEXT_CHUNK_BYTES });
  const decoder = new StringDecoder('utf8');
  gunzip.end(body.gz);
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      const text = decoder.write(chunk);
      if (text !== '') yield text;
    }
  } catch (error) {
    throw unreadable(body, error);
  } finally {
    gunzip.destroy();
  }
  const tail = decoder.end();
  if (tail !== '') yield tail;
}

/** A held response's body: its text, or its bytes (a cached page's, gunzipped), or a large body. */
export interface HeldBody {
  body: string;
  /** The body's UTF-8 bytes when the reader has them instead of its text (`body` is then ''). */
  bodyBytes?: Buffer;
  large?: GzippedBody;
}

/**
 * The whole body as one string, for a reader that holds its answers (DataForSEO: at most 1,000
 * items a page, so its pages are never this large in practice). Gunzip writes into one buffer of
 * the known size.
 */
export function heldText(response: HeldBody): string {
  if (response.bodyBytes) return response.bodyBytes.toString('utf8');
  const large = response.large;
  if (!large) return response.body;
  return gunzippedWhole(large).toString('utf8');
}

/**
 * The held body's JSON value, or the retryable error of a body that is not JSON: parsed from its
 * bytes where the reader has them (the array under the top-level `rowsKey` of a large body in
 * pieces, never one string of it all: json-bytes.ts), else from its text.
 */
export function heldJson(response: HeldBody, rowsKey: string | undefined): unknown {
  if (response.bodyBytes) return parseJsonBytes(response.bodyBytes, rowsKey);
  if (response.large) return parseJsonBytes(gunzippedWhole(response.large), rowsKey);
  return parseJsonBody(response.body);
}

function gunzippedWhole(large: GzippedBody): Buffer {
  try {
    return gunzipSync(large.gz, { chunkSize: Math.max(constants.Z_MIN_CHUNK, large.size + 1) });
  } catch (error) {
    throw unreadable(large, error);
  }
}

/** What one pass over a large body found: the document without its rows, and how many rows it has. */
export interface LargeRowsScan {
  skeleton: unknown;
  /** Rows that are JSON objects (what `rows` would hold). */
  rowCount: number;
}

/**
 * Reads the whole body once, keeping no row: its row count and its skeleton. A body from the
 * network has every row parsed, the check that it is complete JSON before it is taken as a
 * success and cached; a cached body was checked so when it was stored, so its rows are only
 * scanned and counted (a third of the time; a gzip error still surfaces, making the entry stale).
 */
export async function scanLargeRows(
  body: GzippedBody,
  rowsKey: string,
  options: SplitterOptions = {},
): Promise<LargeRowsScan> {
  const splitter = new JsonRowsSplitter(rowsKey, { parseRows: body.from !== 'cache', ...options });
  let rowCount = 0;
  for await (const chunk of bodyText(body))
    for (const batch of splitter.push(chunk)) for (const row of batch) if (isJsonObject(row)) rowCount += 1;
  const { skeleton } = splitter.end();
  // scanned only: every `{` opening a row at the array's depth is one object row
  return { skeleton, rowCount: splitter.parseRows ? rowCount : splitter.objects };
}

/**
 * The rows of a large body, batch by batch (about 1,000 rows each, JSON objects only, in order);
 * each call reads the compressed body again from its first row.
 */
export function largeRowBatches(
  body: GzippedBody,
  rowsKey: string,
  options?: SplitterOptions,
): () => AsyncIterable<Array<Record<string, RawValue>>> {
  return async function* rowBatches() {
    const split = splitJsonRows(bodyText(body), rowsKey, options);
    for (;;) {
      const next = await split.next();
      if (next.done) return;
      const rows = next.value.filter(isJsonObject);
      if (rows.length > 0) yield rows;
    }
  };
}
