/**
 * Streams a JSONL file of orders into the ledger, batch by batch, through the same code as the live
 * paths: records are mapped by the GraphQL mapper (bulk-operation output) or the REST normalizer (one
 * webhook order body per line) and written by `ingestOrders` (newer-wins, append-only refunds), so
 * running a file twice changes nothing.
 *
 * Memory is bounded: one line, the reassembly window (bulk) and one batch are held at a time. After
 * each batch `onBatch` gets a resume point, in the batch's transaction: once that commits, every
 * record before it has been applied, so a reader restarted there (`from`) loses nothing and repeats
 * at most the reassembly window (and, under relaxed durability, the batches of a transaction that did
 * not commit).
 *
 * A line that is not JSON, or a record that fails validation, is reported with its line number and
 * skipped; the rest of the file goes on.
 *
 * With `mapInWorker` the reading half (lines, JSON, reassembly, mapping: StreamMapper) runs in a worker
 * thread (from source, or the production build's bundle of it), a batch or two ahead of the writes, so
 * the two halves use both cores; batches, resume points and counts are the same as in-process.
 */
import { dbProvider, syncToDisk, withRelaxedDurability, type Db } from "~/db.server";
import type { LedgerOrder } from "~/domain/ledger/types";
import type { Prisma } from "~/generated/prisma/client";
import { writeOrderBatch } from "~/ingest/orders.server";
import { OpenTransaction } from "~/lib/open-transaction.server";
import { workerScript, type WorkerScript } from "~/lib/worker-threads.server";
import { fileStream, readLines } from "./lines.server";
import type { FromWorker, MapWorkerData, ToWorker } from "./stream-map.worker";
import { ordersFromWire } from "./order-wire";
import { StreamMapper, type LineError, type MappedBatch, type ResumePoint, type StreamFormat,
  type StreamMapperOptions } from "./stream-mapper.server";

export type { LineError, ResumePoint, StreamFormat } from "./stream-mapper.server";

/**
 * What to ingest: any byte stream (a download), or a file on this machine, given by its path so that a
 * mapping worker reads it itself (from `from.byte`) instead of this thread forwarding every chunk.
 */
export type StreamSource = AsyncIterable<Uint8Array | string> | { file: string };

export interface StreamCounts {
  lines: number;
  bytes: number;
  /** Order records read and mapped (test orders included). */
  orders: number;
  applied: number;
  /** Snapshots not newer than the stored one (a second run of the same file). */
  stale: number;
  skippedTest: number;
  deleted: number;
  /** Refunds in the file's snapshots (stored ones are skipped by the ledger, append-only). */
  refunds: number;
  /** Lines or records refused (bad JSON, failed validation). */
  bad: number;
  /** Distinct customers named by the file's orders (when `countCustomers`). */
  customers: number;
}

export interface BatchProgress {
  counts: StreamCounts;
  resume: ResumePoint;
  /** Orders of this batch whose refunds came without line items (bulk output): they need a second read. */
  incompleteRefundOrders: string[];
}

export interface StreamIngestOptions {
  format: StreamFormat;
  batchSize?: number;
  from?: ResumePoint;
  /** Bulk reassembly window (orders kept open for late children). */
  window?: number;
  countCustomers?: boolean;
  /**
   * Map in a worker thread (true), in this thread (false), or in a worker where its script can be
   * loaded ("auto", the default: see mapWorkerAvailable).
   */
  mapInWorker?: boolean | "auto";
  /** Called before the first batch is written, with its first order (e.g. to create the shop row). */
  beforeFirstBatch?: (first: LedgerOrder) => Promise<void>;
  /**
   * Called after each batch is written, in the batch's transaction `tx` (to store the resume point
   * with the batch): it must write through `tx` only (see OpenTransaction).
   */
  onBatch?: (progress: BatchProgress, tx: Tx) => Promise<void>;
  onError?: (error: LineError) => void;
  /**
   * Writes a batch inside the transaction `tx` (default `writeOrderBatch`); the benchmark wraps it to
   * time the database part.
   */
  write?: (tx: Tx, shopId: string, orders: LedgerOrder[]) => Promise<{ applied: number; stale: number; skippedTest: number; deleted?: number }>;
  /** Stop early (tests simulate a crash with it): checked after each batch. */
  shouldStop?: () => boolean;
  /**
   * "relaxed": batches (their writes and `onBatch`) commit without waiting for the disk, several to a
   * transaction on SQLite (RELAXED_ORDERS_PER_TRANSACTION), and the ingest ends by syncing them (see
   * withRelaxedDurability in db.server.ts). For input read again from a durable resume point (the
   * backfill, a file on the command line): a crash then costs a re-read of the batches of the last
   * transaction, never a half-written batch. Default "full": a transaction per batch, synced.
   */
  durability?: "full" | "relaxed";
  /** Orders per transaction under relaxed durability on SQLite (default RELAXED_ORDERS_PER_TRANSACTION). */
  ordersPerTransaction?: number;
  /** How long an open transaction waits for the next batch before it commits (default OPEN_TRANSACTION_IDLE_MS). */
  idleCommitMs?: number;
}

type Tx = Prisma.TransactionClient;

/**
 * Under relaxed durability on SQLite, batches join one open transaction until it holds this many
 * orders. The ledger's secondary indexes (orders and customers by customer id) take inserts all over
 * their trees: a transaction per batch wrote most of their pages to the log again at every commit,
 * one per several batches writes each page once. Measured on 1M rows of the Order table alone, in
 * transactions of 2,000: commits 15.7-20.8 µs a row; of 16,000-32,000: 4.4-8.2 µs. The 1M-order
 * bulk benchmark: 91.6 s with a transaction per batch of 2,000, 81.5-82.3 s with 16,000 orders, 74.3 s
 * with 32,000.
 * The price: a webhook writing to the same database waits for the open transaction's commit. Measured
 * with small write transactions of another process every 20 ms during a 200k-order ingest from the
 * command line: waits up to 1.5 s (half under 2 ms), against up to 117 ms with a transaction per batch
 * of 1,000. Within Shopify's 5 s, and only while a backfill runs; 32,000 would double it.
 */
export const RELAXED_ORDERS_PER_TRANSACTION = 16_000;
/** An open transaction whose next batch has not come within this long commits (the download is behind). */
const OPEN_TRANSACTION_IDLE_MS = 25;
/**
 * Pause between one open transaction's commit and the next one's BEGIN, so that a webhook of another
 * connection waiting for the write lock gets it (beginImmediate in db.server.ts retries every few
 * milliseconds): back to back, the next BEGIN could win every time until the webhook's wait ran out.
 * Costs ~60 pauses at 1M orders.
 */
const BETWEEN_TRANSACTIONS_MS = 10;
/** Longest an ingest transaction may stay open (Prisma's interactive transaction timeout). */
const TRANSACTION_TIMEOUT_MS = 300_000;

export interface StreamResult {
  counts: StreamCounts;
  errors: LineError[];
  /** Bulk: parents of child records that never found their order (re-read those orders). */
  unmatchedParents: string[];
  incompleteRefundOrders: string[];
  stopped: boolean;
  resume: ResumePoint;
  /** Milliseconds this thread sat waiting for the mapping worker's next batch (0 when mapping here). */
  waitedForMappingMs: number;
}

const MAX_KEPT_ERRORS = 1000;

const WORKER_URL = new URL("./stream-map.worker.ts", import.meta.url);

/**
 * Whether a mapping worker can start here: from source through tsx, or from the production build's
 * worker bundle (app/lib/worker-threads.server.ts).
 */
export function mapWorkerAvailable(): boolean {
  return workerScript(WORKER_URL, "stream-map") !== null;
}

export async function streamIngest(db: Db, shopId: string, source: StreamSource,
  options: StreamIngestOptions): Promise<StreamResult> {
  const counts: StreamCounts = { lines: 0, bytes: 0, orders: 0, applied: 0, stale: 0, skippedTest: 0, deleted: 0, refunds: 0, bad: 0, customers: 0 };
  const errors: LineError[] = [];
  const incompleteAll: string[] = [];
  let first = true;
  let resume: ResumePoint = options.from ?? { byte: 0, line: 0 };
  const mapperOptions: StreamMapperOptions = {
    format: options.format,
    batchSize: options.batchSize ?? 1000,
    from: resume,
    window: options.window,
    countCustomers: options.countCustomers,
  };

  const write = options.write ?? ((tx: Tx, shop: string, orders: LedgerOrder[]) => writeOrderBatch(db, tx, shop, orders));
  /** Writes one mapped batch and reports it in `tx` (its resume point is safe once that commits). */
  const writeBatch = async (tx: Tx, batch: MappedBatch): Promise<void> => {
    if (batch.orders.length) {
      const result = await write(tx, shopId, batch.orders);
      counts.applied += result.applied;
      counts.stale += result.stale;
      counts.skippedTest += result.skippedTest;
      counts.deleted += result.deleted ?? 0;
    }
    Object.assign(counts, batch.counts);
    resume = batch.resume;
    incompleteAll.push(...batch.incompleteRefundOrders);
    await options.onBatch?.({ counts: { ...counts }, resume, incompleteRefundOrders: batch.incompleteRefundOrders }, tx);
  };
  const relaxed = options.durability === "relaxed";
  const transactions = new BatchTransactions(db, relaxed,
    relaxed && dbProvider(db) === "sqlite" ? options.ordersPerTransaction ?? RELAXED_ORDERS_PER_TRANSACTION : 0,
    options.idleCommitMs ?? OPEN_TRANSACTION_IDLE_MS);
  const handle = async (batch: MappedBatch): Promise<void> => {
    for (const entry of batch.errors) {
      if (errors.length < MAX_KEPT_ERRORS) errors.push(entry);
      options.onError?.(entry);
    }
    if (first && batch.orders.length) {
      // Outside any ingest transaction: the hook uses the client.
      await transactions.commit();
      await options.beforeFirstBatch?.(batch.orders[0]);
      first = false;
    }
    await transactions.write(batch.orders.length, (tx) => writeBatch(tx, batch));
  };

  // The worker's script is resolved once here ("auto" maps here where none can start).
  const script = options.mapInWorker === false ? null : workerScript(WORKER_URL, "stream-map");
  if (options.mapInWorker === true && !script) throw new Error("No mapping worker can start here (mapWorkerAvailable() is false)");
  const mapping = script
    ? mapInWorker(script, source, mapperOptions, handle, options.shouldStop)
    : mapHere(source, mapperOptions, handle, options.shouldStop);
  // The last open transaction commits whether the ingest ended or failed part-way (what it holds ran
  // whole); relaxed commits are then made durable before returning.
  const committed = mapping.then(async (mapped) => {
    await transactions.commit();
    return mapped;
  }, async (error: unknown) => {
    await transactions.commit().catch(() => undefined);
    throw error;
  });
  const { unmatchedParents, stopped, waitedForMappingMs } = relaxed ? await committed.finally(() => syncToDisk(db)) : await committed;
  return { counts, errors, unmatchedParents, incompleteRefundOrders: incompleteAll, stopped, resume, waitedForMappingMs };
}

/**
 * The transactions batches are written in: one per batch, or with `ordersPerTransaction` > 0 one
 * open transaction (OpenTransaction) that batches join until it holds that many orders, or until no
 * batch has come for OPEN_TRANSACTION_IDLE_MS. Relaxed transactions commit under relaxed durability.
 */
class BatchTransactions {
  #open: OpenTransaction<Tx> | null = null;
  #orders = 0;
  #idle: ReturnType<typeof setTimeout> | null = null;
  /** The last transaction's commit, awaited before the next batch (its failure fails that batch). */
  #committing: Promise<void> = Promise.resolve();
  #committed = false;

  constructor(private readonly db: Db, private readonly relaxed: boolean, private readonly ordersPerTransaction: number,
    private readonly idleCommitMs: number) {}

  #begin = (body: (tx: Tx) => Promise<void>) => {
    const start = () => this.db.$transaction(body, { maxWait: 30_000, timeout: TRANSACTION_TIMEOUT_MS });
    return this.relaxed ? withRelaxedDurability(start) : start();
  };

  async write(orders: number, step: (tx: Tx) => Promise<void>): Promise<void> {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    await this.#committing;
    if (this.ordersPerTransaction <= 0) {
      await this.#begin(step);
      return;
    }
    if (!this.#open) {
      if (this.#committed) await new Promise((resolve) => setTimeout(resolve, BETWEEN_TRANSACTIONS_MS));
      this.#open = new OpenTransaction<Tx>(this.#begin);
    }
    this.#orders += orders;
    await this.#open.run(step);
    if (this.#orders >= this.ordersPerTransaction) await this.commit();
    else this.#idle = setTimeout(() => void this.commit().catch(() => undefined), this.idleCommitMs);
  }

  /** Commits the open transaction (if any), and waits for the last commit. */
  commit(): Promise<void> {
    if (this.#idle) clearTimeout(this.#idle);
    this.#idle = null;
    const open = this.#open;
    if (open) {
      this.#open = null;
      this.#orders = 0;
      this.#committing = open.commit();
      this.#committed = true;
    }
    return this.#committing;
  }
}

interface Mapped {
  unmatchedParents: string[];
  stopped: boolean;
  waitedForMappingMs: number;
}

async function mapHere(source: StreamSource, options: StreamMapperOptions,
  handle: (batch: MappedBatch) => Promise<void>, shouldStop?: () => boolean): Promise<Mapped> {
  const mapper = new StreamMapper(options);
  const bytes = "file" in source ? fileStream(source.file, options.from.byte) : source;
  for await (const line of readLines(bytes, { byte: options.from.byte, line: options.from.line })) {
    const batch = mapper.push(line);
    if (!batch) continue;
    await handle(batch);
    if (shouldStop?.()) return { unmatchedParents: [], stopped: true, waitedForMappingMs: 0 };
  }
  const { batch, unmatchedParents } = mapper.finish();
  await handle(batch);
  return { unmatchedParents, stopped: false, waitedForMappingMs: 0 };
}

/**
 * Bytes of the source forwarded ahead of the worker's reading. The main thread forwards only between
 * batch writes (better-sqlite3 blocks its event loop for a whole batch, ~0.2 s), so the worker must be
 * able to map at least one batch (~5 MB of bulk output for 2000 orders) from what it already holds: a
 * count of chunks was not enough (4 file chunks of 1 MB starved it ~25 % of the time at 300k orders,
 * and an HTTP download's chunks are far smaller).
 */
const BYTES_AHEAD = 12 << 20;
/**
 * How long the writer may wait, before each batch, for the source to top the worker up to BYTES_AHEAD.
 * Each chunk read completes in an event-loop turn of this thread, and a batch's write holds the loop
 * for ~0.2 s: without the wait one chunk went across per batch while the worker maps five, and at 200k
 * orders the worker sat 4.9 s waiting for bytes. From a file the top-up takes a few milliseconds; a
 * slow download is not waited for longer than this.
 */
const TOP_UP_WAIT_MS = 25;

async function mapInWorker(script: WorkerScript, source: StreamSource, options: StreamMapperOptions,
  handle: (batch: MappedBatch) => Promise<void>, shouldStop?: () => boolean): Promise<Mapped> {
  // Parsing and mapping allocate a great many short-lived objects: a young generation of 48 MiB instead
  // of V8's default cuts the worker's scavenges. (96 MiB cut them further, profiled at 100k orders: GC
  // 3.5 s -> 2.5 s, but once the writer became the slower half the worker waited for it anyway, and
  // the 1M-order ingest's maxRSS reached 516 MB, over its 500 MB budget; with 48 MiB, 455 MB.)
  const file = "file" in source ? source.file : undefined;
  const worker = script.start({ workerData: { ...options, file } satisfies MapWorkerData, resourceLimits: { maxYoungGenerationSizeMb: 48 } });
  const inbox: FromWorker[] = [];
  let failure: unknown = null;
  let finished = false;
  let wake: (() => void) | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  const send = (message: ToWorker, transfer: ArrayBuffer[] = []) => worker.postMessage(message, transfer);

  // Forward the source while fewer than BYTES_AHEAD bytes are unread by the worker (one reading loop at
  // a time, so chunks go in order); each "pull" reports the bytes the worker has taken.
  // A file is read by the worker: nothing to forward.
  const iterator = "file" in source ? null : source[Symbol.asyncIterator]();
  let ended = iterator === null;
  let ahead = 0;
  let filling = false;
  let filled: Promise<void> = Promise.resolve();
  const fill = () => {
    if (filling) return;
    filling = true;
    filled = (async () => {
      try {
        while (!ended && !failure && !finished && ahead < BYTES_AHEAD) {
          const next = await iterator!.next();
          if (next.done) {
            ended = true;
            send({ type: "end" });
            break;
          }
          const piece = typeof next.value === "string" ? Buffer.from(next.value, "utf8") : next.value;
          // A copy the worker can own (the source's buffers may share pooled memory).
          const copy = new Uint8Array(piece.byteLength);
          copy.set(piece);
          ahead += copy.byteLength;
          send({ type: "chunk", data: copy.buffer }, [copy.buffer]);
        }
      } catch (error) {
        failure = error;
        notify();
      } finally {
        filling = false;
      }
    })();
  };

  worker.on("message", (message: FromWorker) => {
    if (message.type === "pull") {
      ahead -= message.bytes;
      return fill();
    }
    inbox.push(message);
    notify();
  });
  worker.on("error", (error) => {
    failure ??= error;
    notify();
  });
  worker.on("exit", (code) => {
    if (!finished) failure ??= new Error(`The mapping worker stopped (exit code ${code})`);
    notify();
  });
  fill();

  let waited = 0;
  try {
    for (;;) {
      const waitStarted = performance.now();
      while (!inbox.length) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
      }
      waited += performance.now() - waitStarted;
      const message = inbox.shift()!;
      if (message.type === "failed") throw new Error(message.message);
      if (message.type === "pull") continue;
      fill();
      if (filling) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([filled, new Promise((resolve) => (timer = setTimeout(resolve, TOP_UP_WAIT_MS)))]);
        clearTimeout(timer);
      }
      await handle({ ...message.batch, orders: ordersFromWire(message.batch.orders) });
      if (message.type === "done") return { unmatchedParents: message.unmatchedParents, stopped: false, waitedForMappingMs: waited };
      if (shouldStop?.()) return { unmatchedParents: [], stopped: true, waitedForMappingMs: waited };
      send({ type: "credit" });
    }
  } finally {
    finished = true;
    await worker.terminate();
    await filled;
    await iterator?.return?.();
  }
}
