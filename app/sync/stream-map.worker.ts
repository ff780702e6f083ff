/**
 * Worker thread of streamIngest (see stream-ingest.server.ts, `mapInWorker`): reads the byte chunks
 * the main thread forwards, maps them with StreamMapper and posts batches back as JSON text
 * (order-wire.ts), so JSON parsing, reassembly and mapping run on the second core while the main thread
 * writes.
 *
 * The bytes come from a file the worker reads itself (workerData.file), or from the main thread.
 * Protocol (main -> worker): "chunk" (an ArrayBuffer, transferred), "end", "credit" (a batch was
 * written: one more may be produced). Worker -> main: "pull" (a chunk of `bytes` was taken: forward
 * more), "batch", "done" (the last batch and the unmatched parents), "failed". At most MAX_AHEAD
 * batches are posted ahead of the writer, so memory stays bounded whatever the file size.
 */
import { parentPort, workerData } from "node:worker_threads";
import { fileStream, readLines } from "./lines.server";
import { ordersToWire } from "./order-wire";
import { StreamMapper, type MappedBatch, type StreamMapperOptions } from "./stream-mapper.server";

/** The worker's data: the mapper's options, and the file to read when it reads one itself. */
export type MapWorkerData = StreamMapperOptions & { file?: string };
export type ToWorker = { type: "chunk"; data: ArrayBuffer } | { type: "end" } | { type: "credit" };
export type WorkerBatch = Omit<MappedBatch, "orders"> & { orders: string };
export type FromWorker =
  | { type: "pull"; bytes: number }
  | { type: "batch"; batch: WorkerBatch }
  | { type: "done"; batch: WorkerBatch; unmatchedParents: string[] }
  | { type: "failed"; message: string };

const MAX_AHEAD = 2;

const port = parentPort!;
const options = workerData as MapWorkerData;

const chunks: (Uint8Array | null)[] = [];
let chunkArrived: (() => void) | null = null;
let credits = MAX_AHEAD;
let creditArrived: (() => void) | null = null;

port.on("message", (message: ToWorker) => {
  if (message.type === "credit") {
    credits += 1;
    creditArrived?.();
    creditArrived = null;
    return;
  }
  chunks.push(message.type === "chunk" ? new Uint8Array(message.data) : null);
  chunkArrived?.();
  chunkArrived = null;
});

async function* source(): AsyncGenerator<Uint8Array> {
  for (;;) {
    if (!chunks.length) await new Promise<void>((resolve) => (chunkArrived = resolve));
    const chunk = chunks.shift()!;
    if (chunk === null) return;
    port.postMessage({ type: "pull", bytes: chunk.byteLength } satisfies FromWorker);
    yield chunk;
  }
}

const post = (batch: MappedBatch): WorkerBatch => ({ ...batch, orders: ordersToWire(batch.orders) });

async function run(): Promise<void> {
  const mapper = new StreamMapper(options);
  const bytes = options.file === undefined ? source() : fileStream(options.file, options.from.byte);
  for await (const line of readLines(bytes, { byte: options.from.byte, line: options.from.line })) {
    const batch = mapper.push(line);
    if (!batch) continue;
    if (credits <= 0) await new Promise<void>((resolve) => (creditArrived = resolve));
    credits -= 1;
    port.postMessage({ type: "batch", batch: post(batch) } satisfies FromWorker);
  }
  const { batch, unmatchedParents } = mapper.finish();
  port.postMessage({ type: "done", batch: post(batch), unmatchedParents } satisfies FromWorker);
}

run().catch((error: unknown) => {
  port.postMessage({ type: "failed", message: error instanceof Error ? error.message : String(error) } satisfies FromWorker);
});
