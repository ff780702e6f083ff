/**
 * Reassembles orders from the records of a bulk-operation JSONL file, one record at a time, in
 * bounded memory.
 *
 * A bulk operation writes each node of a nested connection as its own record with `__parentId` (the
 * order's GID); lists (refunds, transactions, discount allocations, tax lines) stay inline. With
 * `groupObjects: true` children follow their parent, but the reader does not rely on it:
 *
 * - an order stays open for `window` further orders, so children that come a little late still find it;
 *   then it is emitted (complete as far as the file goes);
 * - a child whose parent has not been seen is buffered under its parent id ("orphan") and attached
 *   when the parent arrives; the buffer is bounded (`maxOrphans`, a file beyond it is refused);
 * - at the end, orphans whose parent never came (or came more than `window` orders earlier) are
 *   reported by parent id, so the caller can re-read those orders through the Admin API.
 *
 * Child kinds are told apart by their fields: a LineItem has `quantity` and `originalUnitPriceSet`, a
 * ShippingLine `originalPriceSet`; anything else (discount applications, ...) is counted and ignored.
 */
import type { GqlLineItem, GqlOrder, GqlShippingLine } from "./types";

export interface RecordPosition {
  /** 1-based line number in the file. */
  line: number;
  /** Byte offset of the line's first byte. */
  start: number;
}

export interface AssembledOrder {
  node: GqlOrder;
  /** Where the order's own record is. */
  position: RecordPosition;
}

interface OpenOrder {
  root: Record<string, unknown>;
  lineItems: GqlLineItem[];
  shippingLines: GqlShippingLine[];
  position: RecordPosition;
  /** The earliest record this order holds: its own, or a child that came before it in the file. */
  heldFrom: RecordPosition;
}

interface Orphan {
  record: Record<string, unknown>;
  position: RecordPosition;
}

export class BulkFormatError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = "BulkFormatError";
  }
}

export interface AssemblerOptions {
  window?: number;
  maxOrphans?: number;
}

export class BulkOrderAssembler {
  private readonly open = new Map<string, OpenOrder>();
  private readonly orphans = new Map<string, Orphan[]>();
  private orphanCount = 0;
  private readonly window: number;
  private readonly maxOrphans: number;
  /** Children of kinds the ledger does not read (discount applications, ...). */
  ignoredChildren = 0;

  constructor(options: AssemblerOptions = {}) {
    this.window = Math.max(1, options.window ?? 64);
    this.maxOrphans = options.maxOrphans ?? 100_000;
  }

  /** Adds one parsed record; returns the orders that are now complete (oldest first). */
  push(record: unknown, position: RecordPosition): AssembledOrder[] {
    if (record === null || typeof record !== "object" || Array.isArray(record)) {
      throw new BulkFormatError("expected a JSON object", position.line);
    }
    const value = record as Record<string, unknown>;
    const parentId = value.__parentId;
    if (parentId === undefined) return this.pushRoot(value, position);
    if (typeof parentId !== "string") throw new BulkFormatError("__parentId must be a string", position.line);
    const parent = this.open.get(parentId);
    if (parent) {
      this.attach(parent, value);
      return [];
    }
    if (this.orphanCount >= this.maxOrphans) {
      throw new BulkFormatError(`more than ${this.maxOrphans} records arrived before their parent`, position.line);
    }
    const list = this.orphans.get(parentId);
    if (list) list.push({ record: value, position });
    else this.orphans.set(parentId, [{ record: value, position }]);
    this.orphanCount += 1;
    return [];
  }

  /** Emits every open order; returns them and the parent ids of children that found no parent. */
  finish(): { orders: AssembledOrder[]; unmatchedParents: { parentId: string; line: number; records: number }[] } {
    const orders = [...this.open.values()].map((open) => this.emit(open));
    this.open.clear();
    const unmatchedParents = [...this.orphans.entries()].map(([parentId, list]) => ({
      parentId,
      line: list[0].position.line,
      records: list.length,
    }));
    this.orphans.clear();
    this.orphanCount = 0;
    return { orders, unmatchedParents };
  }

  /**
   * The earliest record still held (an open order or an orphan): a reader that restarts from it and
   * skips what it already applied loses nothing. Null when nothing is held.
   */
  earliestHeld(): RecordPosition | null {
    // Every open order (at most `window` of them): one opened later may hold a child read before an
    // older order, and restarting after that child would lose it.
    let earliest: RecordPosition | null = null;
    for (const open of this.open.values()) {
      if (earliest === null || open.heldFrom.start < earliest.start) earliest = open.heldFrom;
    }
    for (const list of this.orphans.values()) {
      const position = list[0].position;
      if (earliest === null || position.start < earliest.start) earliest = position;
    }
    return earliest;
  }

  get held(): number {
    return this.open.size + this.orphanCount;
  }

  private pushRoot(root: Record<string, unknown>, position: RecordPosition): AssembledOrder[] {
    const id = root.id;
    if (typeof id !== "string" || !id.startsWith("gid://shopify/Order/")) {
      throw new BulkFormatError("a record without __parentId must be an Order (id gid://shopify/Order/...)", position.line);
    }
    const emitted: AssembledOrder[] = [];
    const existing = this.open.get(id);
    if (existing) throw new BulkFormatError(`order ${id} appears twice`, position.line);
    const open: OpenOrder = { root, lineItems: [], shippingLines: [], position, heldFrom: position };
    this.open.set(id, open);
    const waiting = this.orphans.get(id);
    if (waiting) {
      open.heldFrom = waiting[0].position; // orphans are kept in file order
      for (const orphan of waiting) this.attach(open, orphan.record);
      this.orphans.delete(id);
      this.orphanCount -= waiting.length;
    }
    while (this.open.size > this.window) {
      const [oldestId, oldest] = this.open.entries().next().value as [string, OpenOrder];
      this.open.delete(oldestId);
      emitted.push(this.emit(oldest));
    }
    return emitted;
  }

  private attach(parent: OpenOrder, child: Record<string, unknown>): void {
    if ("quantity" in child && "originalUnitPriceSet" in child) parent.lineItems.push(child as unknown as GqlLineItem);
    else if ("originalPriceSet" in child) parent.shippingLines.push(child as unknown as GqlShippingLine);
    else this.ignoredChildren += 1;
  }

  private emit(open: OpenOrder): AssembledOrder {
    // The root was parsed for this assembler alone, so its children are set on it rather than on a copy
    // (copying ~25 keys an order measured ~5 µs).
    const node = open.root as unknown as GqlOrder & Record<string, unknown>;
    node.lineItems = open.lineItems;
    node.shippingLines = open.shippingLines;
    return { node, position: open.position };
  }
}
