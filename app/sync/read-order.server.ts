/**
 * Reads orders through the Admin GraphQL API, complete: every line item page and every refund line
 * item page are followed, so the mapped LedgerOrder equals what the REST normalizer gives for the
 * same order. Used by webhooks that carry little (orders/edited: sync A), reconciliation and the
 * backfill's re-reads.
 */
import { connectionItems, mapGraphqlOrder } from "~/domain/shopify-graphql/order";
import {
  ORDER_LINE_ITEMS_PAGE_QUERY,
  ORDER_QUERY,
  ORDERS_REFUNDS_QUERY,
  REFUND_LINE_ITEMS_PAGE_QUERY,
} from "~/domain/shopify-graphql/queries";
import type { GqlLineItem, GqlOrder, GqlPageInfo, GqlRefund, GqlRefundLineItem } from "~/domain/shopify-graphql/types";
import type { LedgerOrder } from "~/domain/ledger/types";
import { RateLimitedGraphql, type AdminApi } from "./graphql.server";

const LINES_PER_PAGE = 100;
const REFUND_LINES_PER_PAGE = 50;

type Paged<T> = { nodes: T[]; pageInfo: GqlPageInfo };

// One rate-limited client per admin object, so consecutive reads share what they know of the bucket.
const clients = new WeakMap<object, RateLimitedGraphql>();

export function graphqlClient(admin: AdminApi | RateLimitedGraphql): RateLimitedGraphql {
  if (admin instanceof RateLimitedGraphql) return admin;
  let client = clients.get(admin);
  if (!client) {
    client = new RateLimitedGraphql(admin);
    clients.set(admin, client);
  }
  return client;
}

/** Follows a refund's refundLineItems pages beyond the first; returns all its lines. */
async function completeRefund(client: RateLimitedGraphql, refund: GqlRefund): Promise<GqlRefund> {
  const first = refund.refundLineItems as Paged<GqlRefundLineItem> | undefined;
  if (!first?.pageInfo?.hasNextPage) return refund;
  const lines = [...first.nodes];
  let after = first.pageInfo.endCursor;
  for (;;) {
    const data = await client.query<{ node: { refundLineItems: Paged<GqlRefundLineItem> } | null }>(REFUND_LINE_ITEMS_PAGE_QUERY, {
      id: refund.id,
      refundLines: REFUND_LINES_PER_PAGE,
      after,
    });
    const page = data.node?.refundLineItems;
    if (!page) break;
    lines.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  return { ...refund, refundLineItems: lines };
}

/** The GraphQL order, with every connection page read; null when Shopify has no such order. */
export async function fetchOrderNode(admin: AdminApi | RateLimitedGraphql, orderGid: string): Promise<GqlOrder | null> {
  const client = graphqlClient(admin);
  const data = await client.query<{ order: (GqlOrder & { lineItems: Paged<GqlLineItem> }) | null }>(ORDER_QUERY, {
    id: orderGid,
    lines: LINES_PER_PAGE,
    refundLines: REFUND_LINES_PER_PAGE,
  });
  const order = data.order;
  if (!order) return null;
  const lineItems = [...order.lineItems.nodes];
  let pageInfo = order.lineItems.pageInfo;
  while (pageInfo?.hasNextPage) {
    const page = await client.query<{ order: { lineItems: Paged<GqlLineItem> } | null }>(ORDER_LINE_ITEMS_PAGE_QUERY, {
      id: orderGid,
      lines: LINES_PER_PAGE,
      after: pageInfo.endCursor,
    });
    if (!page.order) break;
    lineItems.push(...page.order.lineItems.nodes);
    pageInfo = page.order.lineItems.pageInfo;
  }
  const refunds: GqlRefund[] = [];
  for (const refund of order.refunds ?? []) refunds.push(await completeRefund(client, refund));
  return { ...order, lineItems, refunds };
}

/** Re-reads one order as a LedgerOrder (null when it does not exist, e.g. deleted). */
export async function fetchOrder(admin: AdminApi | RateLimitedGraphql, orderGid: string): Promise<LedgerOrder | null> {
  const node = await fetchOrderNode(admin, orderGid);
  return node ? mapGraphqlOrder(node) : null;
}

export interface OrderRefunds {
  orderId: string;
  currency: string;
  taxesIncluded: boolean;
  /** Complete refunds (every refund line item page read). */
  refunds: GqlRefund[];
}

/** The backfill's second pass: the refunds of several orders, complete. Orders Shopify no longer has are left out. */
export async function fetchOrdersRefunds(admin: AdminApi | RateLimitedGraphql, orderIds: string[]): Promise<OrderRefunds[]> {
  if (!orderIds.length) return [];
  const client = graphqlClient(admin);
  const data = await client.query<{
    nodes: ({ id: string; currencyCode: string; taxesIncluded: boolean; refunds: GqlRefund[] | null } | null)[];
  }>(ORDERS_REFUNDS_QUERY, { ids: orderIds, refundLines: REFUND_LINES_PER_PAGE });
  const out: OrderRefunds[] = [];
  for (const node of data.nodes) {
    if (!node?.id) continue;
    const refunds: GqlRefund[] = [];
    for (const refund of node.refunds ?? []) {
      const complete = await completeRefund(client, refund);
      refunds.push({ ...complete, refundLineItems: connectionItems(complete.refundLineItems) });
    }
    out.push({ orderId: node.id, currency: node.currencyCode, taxesIncluded: node.taxesIncluded, refunds });
  }
  return out;
}
