/**
 * The entries of a ZIP archive, for Search Console's Links export, which downloads as a ZIP of
 * CSVs. A small reader over the central directory (PKWARE APPNOTE 4.3: end of central directory
 * record, central file headers, local file headers) with node:zlib for deflate; entries are
 * inflated with an output cap, so a ZIP bomb stops at the cap instead of filling memory.
 * ZIP64 and encrypted archives are refused (Search Console writes neither, an assumption).
 */
import { readFileSync, statSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { LinkbookError } from '../../../errors.ts';

export interface ZipEntry {
  name: string;
  bytes: Buffer;
}

/** Search Console's ZIP holds a few small CSVs (at most 1,000 rows each); 256 MiB is far above. */
const DEFAULT_ZIP_CAP = 256 * 1024 * 1024;

export function isZipFile(file: string): boolean {
  return file.toLowerCase().endsWith('.zip');
}

/** Every file entry of the archive, inflated, names as stored (directories left out). */
export function readZipEntries(file: string, maxBytes = DEFAULT_ZIP_CAP): ZipEntry[] {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw new LinkbookError(
      'invalid',
      `${file}: cannot read the file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
      { where: file, hint: 'paths under from: are relative to the report file' },
    );
  }
  if (size > maxBytes)
    throw new LinkbookError(
      'invalid',
      `${file}: the ZIP is larger than the ${Math.round(maxBytes / 1048576)} MiB cap`,
      { where: file },
    );
  const zip = readFileSync(file);
  const broken = (why: string): LinkbookError =>
    new LinkbookError('invalid', `${file}: not a readable ZIP archive (${why})`, {
      where: file,
      hint: 'download the export again, or unzip it and name one of its CSV files under from:',
    });
  // the end of central directory record: 22 bytes plus a comment of up to 65,535 bytes, at the end
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 65535); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw broken('no end of central directory');
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) throw broken('ZIP64 is not supported');
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let n = 0; n < count; n++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50)
      throw broken('a bad central directory entry');
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const compressed = zip.readUInt32LE(offset + 20);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const local = zip.readUInt32LE(offset + 42);
    // bit 11: the name is UTF-8; otherwise CP437, read as latin1 here (names are only matched by header anyway)
    const name = zip.toString(flags & 0x800 ? 'utf8' : 'latin1', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (name.endsWith('/')) continue;
    if (flags & 0x1) throw broken(`${name} is encrypted`);
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50)
      throw broken(`a bad local header for ${name}`);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    let bytes: Buffer;
    try {
      if (method === 0) bytes = Buffer.from(data);
      else if (method === 8) bytes = inflateRawSync(data, { maxOutputLength: Math.max(1, maxBytes - total) });
      else throw broken(`${name} uses compression method ${method}`);
    } catch (error) {
      if (error instanceof LinkbookError) throw error;
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
        throw new LinkbookError(
          'invalid',
          `${file}: ${name} inflates beyond the ${Math.round(maxBytes / 1048576)} MiB cap`,
          { where: file },
        );
      throw broken(`${name} does not inflate`);
    }
    total += bytes.length;
    entries.push({ name, bytes });
  }
  return entries;
}
