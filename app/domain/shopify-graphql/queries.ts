/**
 * The Admin GraphQL documents the sync sends (API 2026-07). Field names are those of
 * ./types.ts, checked against Shopify's reference. Written without fragments so the same text
 * works inside `bulkOperationRunQuery`.
 */

const MONEY = "shopMoney { amount currencyCode }";

/** Scalar and list fields of an Order (no connections): valid in a bulk query and a normal one. */
export const ORDER_ROOT_FIELDS = `
  id name createdAt processedAt updatedAt cancelledAt test sourceName currencyCode taxesIncluded
  displayFinancialStatus tags discountCodes paymentGatewayNames
  customer { id tags defaultAddress { countryCodeV2 } }
  shippingAddress { countryCodeV2 }
  billingAddress { countryCodeV2 }
  totalPriceSet { ${MONEY} }
  totalTaxSet { ${MONEY} }
  totalTipReceivedSet { ${MONEY} }
  originalTotalDutiesSet { ${MONEY} }`;

export const TRANSACTION_FIELDS = `id kind status gateway processedAt createdAt amountSet { ${MONEY} } fees { amount { amount currencyCode } }`;

export const LINE_ITEM_FIELDS = `
  id quantity currentQuantity requiresShipping isGiftCard sku title
  variant { id } product { id }
  originalUnitPriceSet { ${MONEY} }
  discountAllocations { allocatedAmountSet { ${MONEY} } }
  taxLines { priceSet { ${MONEY} } }`;

export const SHIPPING_LINE_FIELDS = `
  id isRemoved
  originalPriceSet { ${MONEY} }
  discountAllocations { allocatedAmountSet { ${MONEY} } }
  taxLines { priceSet { ${MONEY} } }`;

export const REFUND_LINE_ITEM_FIELDS = `id quantity restockType lineItem { id } subtotalSet { ${MONEY} } totalTaxSet { ${MONEY} }`;

const REFUND_DETAIL_FIELDS = `
  id createdAt
  refundLineItems(first: $refundLines) { pageInfo { hasNextPage endCursor } nodes { ${REFUND_LINE_ITEM_FIELDS} } }
  refundShippingLines(first: 10) { nodes { subtotalAmountSet { ${MONEY} } taxAmountSet { ${MONEY} } } }
  orderAdjustments(first: 10) { nodes { reason amountSet { ${MONEY} } taxAmountSet { ${MONEY} } } }`;

/**
 * The backfill's bulk query: every order with its line items and shipping lines (nested connections:
 * one JSONL record each), refunds by id (their line items are a connection inside a list, which bulk
 * operations reject: the second pass reads them) and transactions with their fees (lists, inline).
 */
export const BULK_ORDERS_QUERY = `{
  orders(sortKey: CREATED_AT) {
    edges {
      node {
        ${ORDER_ROOT_FIELDS}
        refunds { id createdAt }
        transactions { ${TRANSACTION_FIELDS} }
        lineItems { edges { node { ${LINE_ITEM_FIELDS} } } }
        shippingLines(includeRemovals: true) { edges { node { ${SHIPPING_LINE_FIELDS} } } }
      }
    }
  }
}`;

export const RUN_BULK_QUERY = `#graphql
  mutation RunBulk($query: String!) {
    bulkOperationRunQuery(query: $query, groupObjects: true) {
      bulkOperation { id status }
      userErrors { field message code }
    }
  }`;

export const BULK_OPERATION_QUERY = `#graphql
  query BulkOperation($id: ID!) {
    node(id: $id) {
      ... on BulkOperation { id status errorCode objectCount rootObjectCount fileSize url partialDataUrl createdAt completedAt }
    }
  }`;

/** One order, complete (refund details included); connections are paged by the reader. */
export const ORDER_QUERY = `#graphql
  query SyncOrder($id: ID!, $lines: Int!, $refundLines: Int!) {
    order(id: $id) {
      ${ORDER_ROOT_FIELDS}
      refunds { ${REFUND_DETAIL_FIELDS} }
      transactions(first: 100) { ${TRANSACTION_FIELDS} }
      lineItems(first: $lines) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
      shippingLines(first: 20, includeRemovals: true) { nodes { ${SHIPPING_LINE_FIELDS} } }
    }
  }`;

export const ORDER_LINE_ITEMS_PAGE_QUERY = `#graphql
  query SyncOrderLines($id: ID!, $lines: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $lines, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${LINE_ITEM_FIELDS} } }
    }
  }`;

export const REFUND_LINE_ITEMS_PAGE_QUERY = `#graphql
  query SyncRefundLines($id: ID!, $refundLines: Int!, $after: String) {
    node(id: $id) {
      ... on Refund {
        refundLineItems(first: $refundLines, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${REFUND_LINE_ITEM_FIELDS} } }
      }
    }
  }`;

/** The backfill's second pass: the refunds of several orders, with their line items. */
export const ORDERS_REFUNDS_QUERY = `#graphql
  query SyncRefunds($ids: [ID!]!, $refundLines: Int!) {
    nodes(ids: $ids) {
      ... on Order { id currencyCode taxesIncluded refunds { ${REFUND_DETAIL_FIELDS} } }
    }
  }`;

/** Reconciliation's listing: ids and updatedAt of orders changed since a moment, oldest change first. */
export const ORDERS_UPDATED_SINCE_QUERY = `#graphql
  query SyncOrdersUpdated($query: String!, $first: Int!, $after: String) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo { hasNextPage endCursor }
      nodes { id updatedAt test }
    }
  }`;

/** Shopify's search syntax for "updated after" (UTC ISO timestamp, quoted). */
export function updatedSinceFilter(since: Date): string {
  return `updated_at:>'${since.toISOString()}'`;
}
