/**
 * Streams a JSONL file of orders into the ledger, batch by batch, through the same code as the live
 * paths: records are mapped by the GraphQL mapper (bulk-operation output) or the REST normalizer (one
 * webhook order body per line) and written by `ingestOrders` (newer-wins, append-only refunds), so
 * running a file twice changes nothing.
 *
 * Memory is bounded: one line, the reassembly window (bulk) and one batch are held at a time. After
 * each committed batch `onBatch` gets a resume point: every record before it has been applied, so a
 * reader restarted there (`from`) loses nothing and repeats at most the reassembly window.
 *
 * A line that is not JSON, or a record that fails validation, is reported with its line number and
 * skipped; the rest of the file goes on.
 */
import type { Db } from "~/db.server";
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder, PayloadError } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { BulkFormatError, BulkOrderAssembler, type AssembledOrder } from "~/domain/shopify-graphql/bulk";
import { mapGraphqlOrderDetailed } from "~/domain/shopify-graphql/order";
import { ingestOrders } from "~/ingest/orders.server";
import { readLines, type Line } from "./lines.server";

export type StreamFormat = "bulk" | "webhook";

export interface ResumePoint {
  /** Byte offset to read from. */
  byte: number;
  /** Lines before that offset (line numbers continue from here). */
  line: number;
}

export interface LineError {
  line: number;
  message: string;
}

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
  /** Called before the first batch is written, with its first order (e.g. to create the shop row). */
  beforeFirstBatch?: (first: LedgerOrder) => Promise<void>;
  onBatch?: (progress: BatchProgress) => Promise<void>;
  onError?: (error: LineError) => void;
  /** Writes a batch (default `ingestOrders`); the benchmark wraps it to time the database part. */
  write?: (db: Db, shopId: string, orders: LedgerOrder[]) => Promise<{ applied: number; stale: number; skippedTest: number; deleted?: number }>;
  /** Stop early (tests simulate a crash with it): checked after each batch. */
  shouldStop?: () => boolean;
}

export interface StreamResult {
  counts: StreamCounts;
  errors: LineError[];
  /** Bulk: parents of child records that never found their order (re-read those orders). */
  unmatchedParents: string[];
  incompleteRefundOrders: string[];
  stopped: boolean;
  resume: ResumePoint;
}

const MAX_KEPT_ERRORS = 1000;

/** Unwraps `{ "order": {...} }` (how Shopify's REST API returns one order) to the order body. */
function webhookBody(value: unknown): unknown {
  if (value && typeof value === "object" && !Array.isArray(value) && "order" in value && !("line_items" in value)) {
    return (value as { order: unknown }).order;
  }
  return value;
}

function message(error: unknown): string {
  if (error instanceof PayloadError || error instanceof BulkFormatError || error instanceof SyntaxError) return error.message;
  return error instanceof Error ? error.message : String(error);
}

export async function streamIngest(db: Db, shopId: string, source: AsyncIterable<Uint8Array | string>,
  options: StreamIngestOptions): Promise<StreamResult> {
  const batchSize = options.batchSize ?? 1000;
  const counts: StreamCounts = { lines: 0, bytes: 0, orders: 0, applied: 0, stale: 0, skippedTest: 0, deleted: 0, refunds: 0, bad: 0, customers: 0 };
  const errors: LineError[] = [];
  const customers = options.countCustomers ? new Set<string>() : null;
  const assembler = options.format === "bulk" ? new BulkOrderAssembler({ window: options.window }) : null;
  let batch: LedgerOrder[] = [];
  let incompleteBatch: string[] = [];
  const incompleteAll: string[] = [];
  let first = true;
  let last: Line | null = null;
  let resume: ResumePoint = options.from ?? { byte: 0, line: 0 };
  let stopped = false;

  const report = (line: number, error: unknown) => {
    counts.bad += 1;
    const entry = { line, message: message(error) };
    if (errors.length < MAX_KEPT_ERRORS) errors.push(entry);
    options.onError?.(entry);
  };

  const resumePoint = (): ResumePoint => {
    const held = assembler?.earliestHeld();
    if (held) return { byte: held.start, line: held.line - 1 };
    return last ? { byte: last.end, line: last.number } : resume;
  };

  const flush = async () => {
    if (batch.length) {
      if (first && options.beforeFirstBatch) await options.beforeFirstBatch(batch[0]);
      first = false;
      const result = await (options.write ?? ingestOrders)(db, shopId, batch);
      counts.applied += result.applied;
      counts.stale += result.stale;
      counts.skippedTest += result.skippedTest;
      counts.deleted += result.deleted ?? 0;
    }
    resume = resumePoint();
    counts.customers = customers?.size ?? 0;
    const progress = { counts: { ...counts }, resume, incompleteRefundOrders: incompleteBatch };
    batch = [];
    incompleteBatch = [];
    await options.onBatch?.(progress);
  };

  const take = (order: LedgerOrder) => {
    counts.orders += 1;
    counts.refunds += order.refunds.length;
    if (customers && order.customerId) customers.add(order.customerId);
    batch.push(order);
  };

  const takeAssembled = (assembled: AssembledOrder) => {
    try {
      const { order, incompleteRefunds } = mapGraphqlOrderDetailed(assembled.node);
      take(order);
      if (incompleteRefunds.length && !order.test) {
        incompleteBatch.push(order.id);
        incompleteAll.push(order.id);
      }
    } catch (error) {
      report(assembled.position.line, error);
    }
  };

  for await (const line of readLines(source, { byte: resume.byte, line: resume.line })) {
    last = line;
    counts.lines = line.number;
    counts.bytes = line.end;
    let value: unknown;
    try {
      value = options.format === "bulk" ? JSON.parse(line.text) : parseJsonExact(line.text);
    } catch (error) {
      report(line.number, error);
      continue;
    }
    if (assembler) {
      let emitted: AssembledOrder[];
      try {
        emitted = assembler.push(value, { line: line.number, start: line.start });
      } catch (error) {
        report(line.number, error);
        continue;
      }
      for (const assembled of emitted) takeAssembled(assembled);
    } else {
      try {
        take(normalizeOrder(webhookBody(value)));
      } catch (error) {
        report(line.number, error);
      }
    }
    if (batch.length >= batchSize) {
      await flush();
      if (options.shouldStop?.()) {
        stopped = true;
        break;
      }
    }
  }
  let unmatchedParents: string[] = [];
  if (!stopped) {
    if (assembler) {
      const rest = assembler.finish();
      for (const assembled of rest.orders) takeAssembled(assembled);
      unmatchedParents = rest.unmatchedParents.map((parent) => parent.parentId);
      for (const parent of rest.unmatchedParents) {
        report(parent.line, new Error(`${parent.records} record(s) for ${parent.parentId} came without (or far from) their order; it will be re-read`));
      }
    }
    await flush();
  }
  return { counts, errors, unmatchedParents, incompleteRefundOrders: incompleteAll, stopped, resume };
}
