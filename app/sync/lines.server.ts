/**
 * Splits a byte stream into lines without ever holding more than one chunk and one partial line,
 * reporting each line's 1-based number and byte offsets (so a reader can persist an exact resume
 * point). `\n` and `\r\n` endings; a last line without a newline counts; blank lines are skipped but
 * counted.
 */
import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { createGunzip } from "node:zlib";

export interface Line {
  text: string;
  /** 1-based line number (counting from the start of the file, also when resuming mid-file). */
  number: number;
  /** Byte offset of the line's first byte. */
  start: number;
  /** Byte offset just past the line's newline. */
  end: number;
}

export async function* readLines(
  source: AsyncIterable<Uint8Array | string>,
  from: { byte?: number; line?: number } = {},
): AsyncGenerator<Line> {
  let offset = from.byte ?? 0; // file offset of `pending[0]`
  let number = from.line ?? 0;
  let pending: Buffer = Buffer.alloc(0);
  for await (const piece of source) {
    const chunk = typeof piece === "string" ? Buffer.from(piece, "utf8") : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    let buffer = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    let from = 0;
    for (;;) {
      const newline = buffer.indexOf(10, from);
      if (newline < 0) break;
      const stop = newline > from && buffer[newline - 1] === 13 ? newline - 1 : newline;
      number += 1;
      const start = offset + from;
      const end = offset + newline + 1;
      if (stop > from) yield { text: buffer.toString("utf8", from, stop), number, start, end };
      from = newline + 1;
    }
    offset += from;
    buffer = buffer.subarray(from);
    // Copy the remainder so the chunk it came from can be collected.
    pending = buffer.length ? Buffer.from(buffer) : Buffer.alloc(0);
  }
  if (pending.length) {
    number += 1;
    const text = pending.toString("utf8").replace(/\r$/, "");
    if (text) yield { text, number, start: offset, end: offset + pending.length };
  }
}

/** A file as a byte stream (gunzipped when it ends in .gz), optionally from a byte offset. */
export function fileStream(path: string, start = 0): AsyncIterable<Uint8Array> {
  if (path.endsWith(".gz")) {
    if (start) throw new Error("Cannot resume a gzip file mid-way");
    return createReadStream(path).pipe(createGunzip());
  }
  return createReadStream(path, { start, highWaterMark: 1 << 20 });
}

/** A fetch Response body as a Node stream. */
export function responseStream(response: Response): AsyncIterable<Uint8Array> {
  if (!response.body) return Readable.from([]);
  return Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
}
