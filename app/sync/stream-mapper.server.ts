/**
 * The reading half of a streamed ingest: lines -> JSON -> (bulk: reassembled orders) -> LedgerOrders,
 * cut into batches, each with the resume point that is safe once it is written. No database here, so
 * it runs the same in the calling thread or in a worker thread (stream-map.worker.ts) that overlaps
 * the mapping with the writing.
 */
import { parseJsonExact } from "~/domain/ledger/json";
import { normalizeOrder, PayloadError } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { BulkFormatError, BulkOrderAssembler, type AssembledOrder } from "~/domain/shopify-graphql/bulk";
import { mapGraphqlOrderDetailed } from "~/domain/shopify-graphql/order";
import type { Line } from "./lines.server";

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

/** What the reading side counts (the writing side adds applied/stale/skippedTest/deleted). */
export interface MapCounts {
  lines: number;
  bytes: number;
  orders: number;
  refunds: number;
  bad: number;
  customers: number;
}

export interface MappedBatch {
  orders: LedgerOrder[];
  /** Where a reader restarted after this batch is written loses nothing. */
  resume: ResumePoint;
  /** Orders of this batch whose refunds came without line items (bulk output): they need a second read. */
  incompleteRefundOrders: string[];
  /** Running totals up to this batch. */
  counts: MapCounts;
  /** Lines or records refused since the previous batch. */
  errors: LineError[];
}

export interface StreamMapperOptions {
  format: StreamFormat;
  batchSize: number;
  from: ResumePoint;
  window?: number;
  countCustomers?: boolean;
}

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

export class StreamMapper {
  private readonly counts: MapCounts = { lines: 0, bytes: 0, orders: 0, refunds: 0, bad: 0, customers: 0 };
  private readonly customers: Set<string> | null;
  private readonly assembler: BulkOrderAssembler | null;
  private batch: LedgerOrder[] = [];
  private incomplete: string[] = [];
  private errors: LineError[] = [];
  private last: Line | null = null;

  constructor(private readonly options: StreamMapperOptions) {
    this.customers = options.countCustomers ? new Set() : null;
    this.assembler = options.format === "bulk" ? new BulkOrderAssembler({ window: options.window }) : null;
  }

  /** Takes one line; returns a full batch when one is ready. */
  push(line: Line): MappedBatch | null {
    this.last = line;
    this.counts.lines = line.number;
    this.counts.bytes = line.end;
    let value: unknown;
    try {
      // Bulk output keys everything on GID strings and carries money as strings: plain JSON.parse is
      // exact there. REST bodies carry numeric ids above 2^53, hence the exact parser.
      value = this.assembler ? JSON.parse(line.text) : parseJsonExact(line.text);
    } catch (error) {
      this.report(line.number, error);
      return null;
    }
    if (this.assembler) {
      let emitted: AssembledOrder[];
      try {
        emitted = this.assembler.push(value, { line: line.number, start: line.start });
      } catch (error) {
        this.report(line.number, error);
        return null;
      }
      for (const assembled of emitted) this.takeAssembled(assembled);
    } else {
      try {
        this.take(normalizeOrder(webhookBody(value)));
      } catch (error) {
        this.report(line.number, error);
      }
    }
    return this.batch.length >= this.options.batchSize ? this.cut() : null;
  }

  /** The end of the input: the last batch (possibly empty) and the parents whose order never came. */
  finish(): { batch: MappedBatch; unmatchedParents: string[] } {
    let unmatchedParents: string[] = [];
    if (this.assembler) {
      const rest = this.assembler.finish();
      for (const assembled of rest.orders) this.takeAssembled(assembled);
      unmatchedParents = rest.unmatchedParents.map((parent) => parent.parentId);
      for (const parent of rest.unmatchedParents) {
        this.report(parent.line, new Error(`${parent.records} record(s) for ${parent.parentId} came without (or far from) their order; it will be re-read`));
      }
    }
    return { batch: this.cut(), unmatchedParents };
  }

  private resumePoint(): ResumePoint {
    const held = this.assembler?.earliestHeld();
    if (held) return { byte: held.start, line: held.line - 1 };
    return this.last ? { byte: this.last.end, line: this.last.number } : this.options.from;
  }

  private cut(): MappedBatch {
    this.counts.customers = this.customers?.size ?? 0;
    const batch: MappedBatch = {
      orders: this.batch,
      resume: this.resumePoint(),
      incompleteRefundOrders: this.incomplete,
      counts: { ...this.counts },
      errors: this.errors,
    };
    this.batch = [];
    this.incomplete = [];
    this.errors = [];
    return batch;
  }

  private report(line: number, error: unknown): void {
    this.counts.bad += 1;
    this.errors.push({ line, message: message(error) });
  }

  private take(order: LedgerOrder): void {
    this.counts.orders += 1;
    this.counts.refunds += order.refunds.length;
    if (this.customers && order.customerId) this.customers.add(order.customerId);
    this.batch.push(order);
  }

  private takeAssembled(assembled: AssembledOrder): void {
    try {
      const { order, incompleteRefunds } = mapGraphqlOrderDetailed(assembled.node);
      this.take(order);
      if (incompleteRefunds.length && !order.test) this.incomplete.push(order.id);
    } catch (error) {
      this.report(assembled.position.line, error);
    }
  }
}
