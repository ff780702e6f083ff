/**
 * A fake Shopify for the sync tests: an Admin API object (`graphql(query, { variables })`, what
 * app/sync reads through) answering from REST order bodies converted to GraphQL, plus a file server
 * for the bulk result that honours Range requests (or not, to test both paths).
 */
import { restOrderToBulkRecords, restOrderToGraphql } from "~/domain/shopify-graphql/from-rest";
import type { GqlOrder } from "~/domain/shopify-graphql/types";
import type { AdminApi } from "~/sync/graphql.server";

export interface FakeCall {
  operation: string;
  variables: Record<string, unknown> | undefined;
}

export interface FakeShopifyOptions {
  /** Throttle status reported with every answer. */
  throttle?: { currentlyAvailable: number; maximumAvailable: number; restoreRate: number };
  bulkStatus?: string;
}

/* eslint-disable @typescript-eslint/no-explicit-any */
export class FakeShopify implements AdminApi {
  readonly calls: FakeCall[] = [];
  /** REST bodies by order GID (the store's truth). */
  readonly orders = new Map<string, any>();
  bulkStatus: string;
  bulkFile = "";
  fileRequests: { range: string | null }[] = [];
  rangeSupported = true;
  failDownloads = 0;

  constructor(bodies: any[], private readonly options: FakeShopifyOptions = {}) {
    for (const body of bodies) this.orders.set(`gid://shopify/Order/${body.id}`, body);
    this.bulkStatus = options.bulkStatus ?? "COMPLETED";
  }

  /** The bulk result as Shopify writes it: refunds by id only, children as their own records. */
  buildBulkFile(order: (records: Record<string, unknown>[][]) => Record<string, unknown>[] = (all) => all.flat()): string {
    const records = [...this.orders.values()].map((body) => restOrderToBulkRecords(body, { refunds: "ids", transactions: "synthetic" }));
    this.bulkFile = order(records).map((record) => JSON.stringify(record)).join("\n") + "\n";
    return this.bulkFile;
  }

  node(id: string): GqlOrder | null {
    const body = this.orders.get(id);
    return body ? restOrderToGraphql(body, { transactions: "synthetic" }) : null;
  }

  fetch = async (url: string, init?: RequestInit): Promise<Response> => {
    const range = new Headers(init?.headers).get("Range");
    this.fileRequests.push({ range });
    if (this.failDownloads > 0) {
      this.failDownloads -= 1;
      return new Response("gone", { status: 500 });
    }
    if (!url.startsWith("https://storage.test/")) return new Response("not found", { status: 404 });
    const bytes = Buffer.from(this.bulkFile, "utf8");
    const match = range && this.rangeSupported ? /^bytes=(\d+)-$/.exec(range) : null;
    if (match) return new Response(bytes.subarray(Number(match[1])), { status: 206 });
    return new Response(bytes, { status: 200 });
  };

  private answer(operation: string, variables: Record<string, any> = {}): unknown {
    switch (operation) {
      case "RunBulk":
        return { bulkOperationRunQuery: { bulkOperation: { id: "gid://shopify/BulkOperation/1", status: "CREATED" }, userErrors: [] } };
      case "BulkOperation":
        return {
          node: {
            id: variables.id, status: this.bulkStatus, errorCode: this.bulkStatus === "FAILED" ? "INTERNAL_SERVER_ERROR" : null,
            objectCount: String(this.bulkFile.split("\n").length - 1), rootObjectCount: String(this.orders.size),
            fileSize: String(Buffer.byteLength(this.bulkFile)), url: this.bulkStatus === "COMPLETED" ? "https://storage.test/bulk.jsonl" : null,
            partialDataUrl: null, createdAt: "2026-11-01T00:00:00Z", completedAt: null,
          },
        };
      case "SyncRefunds":
        return {
          nodes: (variables.ids as string[]).map((id) => {
            const node = this.node(id);
            return node && { id: node.id, currencyCode: node.currencyCode, taxesIncluded: node.taxesIncluded, refunds: node.refunds };
          }),
        };
      case "SyncOrder":
        return { order: this.node(variables.id) };
      case "SyncOrdersUpdated": {
        const since = Date.parse(/updated_at:>'([^']+)'/.exec(variables.query)![1]);
        const all = [...this.orders.values()]
          .filter((body) => Date.parse(body.updated_at) > since)
          .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at));
        const start = variables.after ? Number(variables.after) : 0;
        const page = all.slice(start, start + variables.first);
        return {
          orders: {
            nodes: page.map((body) => ({ id: `gid://shopify/Order/${body.id}`, updatedAt: body.updated_at, test: body.test ?? false })),
            pageInfo: { hasNextPage: start + variables.first < all.length, endCursor: String(start + variables.first) },
          },
        };
      }
      default:
        throw new Error(`FakeShopify: unexpected operation ${operation}`);
    }
  }

  async graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response> {
    const operation = /\b(?:query|mutation)\s+([A-Za-z0-9_]+)/.exec(query)?.[1] ?? "anonymous";
    this.calls.push({ operation, variables: options?.variables });
    const data = this.answer(operation, options?.variables);
    const throttle = this.options.throttle ?? { currentlyAvailable: 1900, maximumAvailable: 2000, restoreRate: 100 };
    return Response.json({ data, extensions: { cost: { requestedQueryCost: 10, actualQueryCost: 5, throttleStatus: throttle } } });
  }
}
