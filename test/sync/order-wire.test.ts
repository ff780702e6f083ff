/**
 * The mapping worker's wire format (app/sync/order-wire.ts): every order comes back equal, field for
 * field, Dates included, from both input formats: bulk output (transactions present, refunds with
 * lines) and webhook bodies (no transactions: the field must stay absent, not become an empty list).
 */
import { describe, expect, it } from "vitest";
import { generateOrders } from "~/demo/generator";
import { normalizeOrder } from "~/domain/ledger/shopify-order";
import type { LedgerOrder } from "~/domain/ledger/types";
import { BulkOrderAssembler } from "~/domain/shopify-graphql/bulk";
import { restOrderToBulkRecords } from "~/domain/shopify-graphql/from-rest";
import { mapGraphqlOrder } from "~/domain/shopify-graphql/order";
import type { GqlOrder } from "~/domain/shopify-graphql/types";
import { ordersFromWire, ordersToWire } from "~/sync/order-wire";

function bulkOrders(count: number, seed: number): LedgerOrder[] {
  const assembler = new BulkOrderAssembler({});
  const nodes: GqlOrder[] = [];
  let line = 0;
  for (const body of generateOrders({ orders: count, seed })) {
    for (const record of restOrderToBulkRecords(body, { transactions: "synthetic" })) {
      line += 1;
      for (const assembled of assembler.push(record, { line, start: line })) nodes.push(assembled.node);
    }
  }
  nodes.push(...assembler.finish().orders.map((assembled) => assembled.node));
  return nodes.map((node) => mapGraphqlOrder(node));
}

function webhookOrders(count: number, seed: number): LedgerOrder[] {
  return [...generateOrders({ orders: count, seed })].map((body) => normalizeOrder(JSON.parse(JSON.stringify(body))));
}

/** Every own key with its value, nested, so an extra, missing or undefined-valued field shows. */
function keysOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(keysOf);
  if (value instanceof Date || value === null || typeof value !== "object") return value;
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, keysOf((value as Record<string, unknown>)[key])]));
}

describe("order wire format", () => {
  it("bulk-mapped orders come back equal, with cancellations, refunds, transactions and Dates", () => {
    const orders = bulkOrders(300, 5);
    expect(orders).toHaveLength(300);
    expect(orders.some((order) => order.cancelledAt !== null)).toBe(true);
    expect(orders.some((order) => order.refunds.some((refund) => refund.lines.length > 0))).toBe(true);
    expect(orders.every((order) => order.transactions !== undefined && order.transactions.length > 0)).toBe(true);
    const back = ordersFromWire(ordersToWire(orders));
    expect(back).toEqual(orders);
    expect(keysOf(back)).toStrictEqual(keysOf(orders));
    expect(back[0].processedAt).toBeInstanceOf(Date);
    expect(back[0].processedAt.getTime()).toBe(orders[0].processedAt.getTime());
  });

  it("webhook orders keep transactions absent, and nulls stay null", () => {
    const orders = webhookOrders(200, 9);
    expect(orders.every((order) => !("transactions" in order))).toBe(true);
    expect(orders.some((order) => order.customerId === null)).toBe(true);
    const back = ordersFromWire(ordersToWire(orders));
    expect(back.every((order) => !("transactions" in order))).toBe(true);
    expect(keysOf(back)).toStrictEqual(keysOf(orders));
  });

  it("an empty batch and a transaction without a fee cross too", () => {
    expect(ordersFromWire(ordersToWire([]))).toEqual([]);
    const [order] = bulkOrders(1, 11);
    const withoutFee: LedgerOrder = { ...order, transactions: [{ ...order.transactions![0], fee: null }], test: true };
    expect(ordersFromWire(ordersToWire([withoutFee]))).toStrictEqual([withoutFee]);
  });
});
