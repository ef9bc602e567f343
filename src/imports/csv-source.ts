import { parse, type CsvError } from 'csv-parse';
import iconv from 'iconv-lite';
import { Readable, pipeline } from 'node:stream';

/** The encodings a legacy file may be in; `windows-1252` also reads Latin-1 (ISO-8859-1) files. */
export const ENCODINGS = ['utf-8', 'windows-1252'] as const;
export type Encoding = (typeof ENCODINGS)[number];

/** How much of the file is read before deciding its encoding and separator. */
const PEEK_BYTES = 64 * 1024;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** One record of the file: its 1-based line, its fields, the raw text (for FIELD_COUNT). */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
}

/** A record csv-parse could not read (an unclosed quote…): reported, not fatal. */
export interface CsvSkipped {
  line: number;
  raw: string;
  reason: string;
}

export interface CsvSource {
  encoding: Encoding;
  /** `;` or `,`. */
  separator: string;
  /** The records, header first, one at a time (the file never sits whole in memory). */
  records: AsyncIterable<CsvRecord>;
  /** Records skipped for their syntax since the last call (drained by the caller). */
  takeSkipped(): CsvSkipped[];
  /** Bytes read from the input so far. */
  bytesRead(): number;
}

/**
 * Whether `bytes` are valid UTF-8, allowing a multi-byte sequence cut at the end (the peek may
 * stop in the middle of a character).
 */
export function isUtf8(bytes: Buffer): boolean {
  let end = bytes.length;
  // Step back over a trailing incomplete sequence: at most 3 continuation bytes and its lead byte.
  for (let back = 1; back <= 3 && end - back >= 0; back++) {
    const byte = bytes[end - back];
    if ((byte & 0xc0) === 0x80) continue;
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    if (needed > back) end -= back;
    break;
  }
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end));
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 when the start is (with or without BOM), else Windows-1252 (old French software's). */
export function detectEncoding(peek: Buffer): Encoding {
  if (peek.subarray(0, 3).equals(UTF8_BOM)) return 'utf-8';
  return isUtf8(peek) ? 'utf-8' : 'windows-1252';
}

/** `;` or `,`, whichever the header line holds more of outside quotes (`;` on a tie). */
export function detectSeparator(firstLine: string): string {
  let quoted = false;
  let semicolons = 0;
  let commas = 0;
  for (const char of firstLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ';') semicolons++;
    else if (!quoted && char === ',') commas++;
  }
  return commas > semicolons ? ',' : ';';
}

/**
 * Opens a CSV stream: decides its encoding (or takes the one given) and separator from its first
 * 64 KiB, then decodes (iconv-lite) and parses (csv-parse) it as it arrives. Quoted fields, `""`
 * inside quotes and line breaks inside quotes are read as RFC 4180 says; a stray quote inside an
 * unquoted value is kept as text. Bytes that are not valid in the encoding become U+FFFD, which
 * the validation reports as ENCODING on their line.
 */
export async function openCsv(
  input: AsyncIterable<Buffer | string>,
  encoding?: Encoding,
): Promise<CsvSource> {
  const iterator = input[Symbol.asyncIterator]();
  const head: Buffer[] = [];
  let peeked = 0;
  let done = false;
  while (peeked < PEEK_BYTES) {
    const next = await iterator.next();
    if (next.done) {
      done = true;
      break;
    }
    const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    head.push(chunk);
    peeked += chunk.length;
  }
  const peek = Buffer.concat(head);
  const chosen = encoding ?? detectEncoding(peek);
  const decodedPeek = iconv.decode(peek.subarray(0, Math.min(peek.length, 8192)), chosen);
  const separator = detectSeparator(decodedPeek.replace(/^\uFEFF/, '').split(/\r?\n/)[0] ?? '');

  let bytes = 0;
  async function* all(): AsyncGenerator<Buffer> {
    bytes += peek.length;
    if (peek.length) yield peek;
    if (done) return;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      const chunk = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
      bytes += chunk.length;
      yield chunk;
    }
  }

  let skipped: CsvSkipped[] = [];
  let lastLine = 0;
  const parser = parse({
    delimiter: separator,
    bom: true,
    relax_column_count: true,
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    raw: true,
    info: true,
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      // The record starts after the last one read (csv-parse's own count may run past it).
      skipped.push({
        line: lastLine + 1,
        raw: (raw ?? '').trim(),
        reason: error?.message ?? 'unreadable record',
      });
      return undefined;
    },
  });
  const decoder = iconv.decodeStream(chosen, { stripBOM: true });
  pipeline(Readable.from(all()), decoder, parser, () => {
    // Errors reach the consumer through the parser's iterator.
  });

  async function* records(): AsyncGenerator<CsvRecord> {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      raw: string;
      info: { lines: number };
    }>) {
      const raw = item.raw.replace(/^[\r\n]+|[\r\n]+$/g, '');
      // csv-parse counts lines up to the record's end: a quoted line break starts it earlier.
      const line = item.info.lines - (raw.match(/\n/g)?.length ?? 0);
      lastLine = item.info.lines;
      yield { line, fields: item.record, raw };
    }
  }

  return {
    encoding: chosen,
    separator,
    records: records(),
    takeSkipped() {
      const taken = skipped;
      skipped = [];
      return taken;
    },
    bytesRead: () => bytes,
  };
}
