/**
 * The Admin GraphQL client the sync uses, over the app's `admin` object (`admin.graphql`), with
 * Shopify's cost-based rate limit honoured:
 *
 * - every response's `extensions.cost.throttleStatus` (currentlyAvailable, maximumAvailable,
 *   restoreRate) is remembered with the time it was read;
 * - before a request, the bucket is projected forward (restoreRate points a second, capped at the
 *   maximum); if fewer points than the query is expected to cost (its last requestedQueryCost, or a
 *   default) plus a reserve are available, the client sleeps until there are;
 * - a THROTTLED answer (GraphQL error code, or HTTP 429) is retried after the wait its cost needs, up to
 *   `maxThrottleRetries` times.
 *
 * Sleep and clock are injectable, so tests check the waiting without waiting.
 */
import { log } from "~/lib/log.server";

/** What the sync needs of the app's Admin API context (`admin` from authenticate/unauthenticated). */
export interface AdminApi {
  graphql(query: string, options?: { variables?: Record<string, unknown> }): Promise<Response>;
}

export interface ThrottleStatus {
  currentlyAvailable: number;
  maximumAvailable: number;
  restoreRate: number;
}

export interface GraphqlClientOptions {
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Points kept in reserve for webhooks' re-reads and the merchant's pages (default 50). */
  reserve?: number;
  /** Expected cost of a query never sent before (default 100). */
  defaultCost?: number;
  maxThrottleRetries?: number;
}

export class ShopifyGraphqlError extends Error {
  constructor(
    message: string,
    readonly errors: unknown = undefined,
  ) {
    super(message);
    this.name = "ShopifyGraphqlError";
  }
}

interface GraphqlBody<T> {
  data?: T;
  errors?: unknown;
  extensions?: { cost?: { requestedQueryCost?: number; actualQueryCost?: number | null; throttleStatus?: ThrottleStatus } };
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function operationName(query: string): string {
  return /\b(?:query|mutation)\s+([A-Za-z0-9_]+)/.exec(query)?.[1] ?? query.slice(0, 60);
}

function errorList(errors: unknown): { message?: string; extensions?: { code?: string } }[] {
  if (Array.isArray(errors)) return errors;
  if (errors && typeof errors === "object") {
    const graphQLErrors = (errors as { graphQLErrors?: unknown }).graphQLErrors;
    if (Array.isArray(graphQLErrors)) return graphQLErrors;
    const message = (errors as { message?: unknown }).message;
    if (typeof message === "string") return [{ message }];
  }
  return [];
}

function isThrottled(errors: unknown): boolean {
  return errorList(errors).some((error) => error.extensions?.code === "THROTTLED" || /throttled/i.test(error.message ?? ""));
}

export class RateLimitedGraphql {
  private status: ThrottleStatus | null = null;
  private statusAt = 0;
  private readonly costs = new Map<string, number>();
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;
  private readonly reserve: number;
  private readonly defaultCost: number;
  private readonly maxThrottleRetries: number;
  /** Total time spent waiting for the bucket (ms), and how many waits. */
  waitedMs = 0;
  waits = 0;
  requests = 0;

  constructor(
    private readonly admin: AdminApi,
    options: GraphqlClientOptions = {},
  ) {
    this.sleep = options.sleep ?? realSleep;
    this.now = options.now ?? Date.now;
    this.reserve = options.reserve ?? 50;
    this.defaultCost = options.defaultCost ?? 100;
    this.maxThrottleRetries = options.maxThrottleRetries ?? 10;
  }

  /** The bucket as projected now (null before the first response). */
  available(): number | null {
    if (!this.status) return null;
    const elapsed = Math.max(0, this.now() - this.statusAt) / 1000;
    return Math.min(this.status.maximumAvailable, this.status.currentlyAvailable + elapsed * this.status.restoreRate);
  }

  private async waitFor(cost: number): Promise<void> {
    const available = this.available();
    if (available === null || !this.status) return;
    const needed = Math.min(cost + this.reserve, this.status.maximumAvailable);
    if (available >= needed) return;
    const ms = Math.ceil(((needed - available) / Math.max(1, this.status.restoreRate)) * 1000);
    this.waits += 1;
    this.waitedMs += ms;
    await this.sleep(ms);
  }

  private remember(body: GraphqlBody<unknown> | undefined, name: string): void {
    const cost = body?.extensions?.cost;
    if (!cost) return;
    if (cost.throttleStatus) {
      this.status = cost.throttleStatus;
      this.statusAt = this.now();
    }
    if (typeof cost.requestedQueryCost === "number") this.costs.set(name, cost.requestedQueryCost);
  }

  /** Runs a query; returns `data`, throws ShopifyGraphqlError on GraphQL errors other than throttling. */
  async query<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const name = operationName(query);
    for (let attempt = 0; ; attempt++) {
      await this.waitFor(this.costs.get(name) ?? this.defaultCost);
      this.requests += 1;
      let body: GraphqlBody<T> | undefined;
      let thrown: unknown = null;
      try {
        const response = await this.admin.graphql(query, variables ? { variables } : undefined);
        if (response.status === 429) {
          thrown = { status: 429 };
        } else {
          body = (await response.json()) as GraphqlBody<T>;
        }
      } catch (error) {
        // @shopify/shopify-api throws GraphqlQueryError with the response body on GraphQL errors, and
        // HttpThrottlingError on HTTP 429.
        thrown = error;
        const errorBody = (error as { body?: GraphqlBody<T> }).body;
        if (errorBody && typeof errorBody === "object") body = errorBody;
      }
      this.remember(body, name);
      const throttled =
        isThrottled(body?.errors) ||
        (thrown !== null && ((thrown as { status?: number }).status === 429 || (thrown as Error).name === "HttpThrottlingError" || isThrottled(thrown)));
      if (throttled) {
        if (attempt >= this.maxThrottleRetries) throw new ShopifyGraphqlError(`${name}: still throttled after ${attempt + 1} attempts`);
        const cost = body?.extensions?.cost?.requestedQueryCost ?? this.costs.get(name) ?? this.defaultCost;
        if (body?.extensions?.cost?.throttleStatus) {
          await this.waitFor(cost);
        } else {
          const ms = 1000 * 2 ** Math.min(attempt, 5);
          this.waits += 1;
          this.waitedMs += ms;
          await this.sleep(ms);
        }
        log("warn", "sync.graphql_throttled", { operation: name, attempt: attempt + 1 });
        continue;
      }
      if (thrown !== null && !body) throw thrown;
      if (body?.errors && errorList(body.errors).length) {
        const messages = errorList(body.errors).map((error) => error.message ?? "error");
        throw new ShopifyGraphqlError(`${name}: ${messages.join("; ")}`, body.errors);
      }
      if (thrown !== null) throw thrown;
      if (!body || body.data === undefined || body.data === null) throw new ShopifyGraphqlError(`${name}: no data in the response`);
      return body.data;
    }
  }
}
