import { describe, expect, it } from "vitest";
import { RateLimitedGraphql, ShopifyGraphqlError, type AdminApi } from "~/sync/graphql.server";

/** An Admin API answering from a script, with a fake clock that sleeping advances. */
function scripted(answers: (() => unknown)[]) {
  let now = 0;
  const sleeps: number[] = [];
  const queries: string[] = [];
  const admin: AdminApi = {
    async graphql(query) {
      queries.push(query);
      const next = answers.shift();
      if (!next) throw new Error("no more answers");
      const body = next();
      if (body instanceof Error) throw body;
      return Response.json(body);
    },
  };
  const client = new RateLimitedGraphql(admin, {
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
    reserve: 50,
  });
  return { client, sleeps, queries, advance: (ms: number) => (now += ms) };
}

const cost = (requested: number, available: number, restoreRate = 50, maximum = 1000) => ({
  cost: { requestedQueryCost: requested, actualQueryCost: requested, throttleStatus: { maximumAvailable: maximum, currentlyAvailable: available, restoreRate } },
});

describe("RateLimitedGraphql", () => {
  it("does not wait while the bucket has room", async () => {
    const { client, sleeps } = scripted([() => ({ data: { a: 1 }, extensions: cost(100, 900) }), () => ({ data: { a: 2 }, extensions: cost(100, 800) })]);
    expect(await client.query("query A { a }")).toEqual({ a: 1 });
    expect(await client.query("query A { a }")).toEqual({ a: 2 });
    expect(sleeps).toEqual([]);
  });

  it("waits until the bucket has refilled enough for the next query when currentlyAvailable is low", async () => {
    const { client, sleeps, advance } = scripted([
      () => ({ data: { a: 1 }, extensions: cost(300, 120) }),
      () => ({ data: { a: 2 }, extensions: cost(300, 0) }),
    ]);
    await client.query("query Big { a }");
    advance(1000); // one second restores 50 points: 170 available
    await client.query("query Big { a }");
    // Needs 300 + 50 reserve = 350: (350 - 170) / 50 points per second = 3.6 s.
    expect(sleeps).toEqual([3600]);
    expect(client.waitedMs).toBe(3600);
  });

  it("retries a THROTTLED answer after the wait its cost needs", async () => {
    const { client, sleeps, queries } = scripted([
      () => ({ errors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }], extensions: cost(752, 666, 50) }),
      () => ({ data: { ok: true }, extensions: cost(752, 100, 50) }),
    ]);
    expect(await client.query("query Heavy { ok }")).toEqual({ ok: true });
    expect(queries).toHaveLength(2);
    // 752 + 50 - 666 = 136 points at 50/s.
    expect(sleeps).toEqual([2720]);
  });

  it("retries when @shopify/shopify-api throws its GraphqlQueryError for a throttled request", async () => {
    const thrown = Object.assign(new Error("Throttled"), {
      body: { errors: { graphQLErrors: [{ message: "Throttled", extensions: { code: "THROTTLED" } }] }, extensions: cost(200, 10, 100) },
    });
    const { client, sleeps } = scripted([() => thrown, () => ({ data: { ok: 1 }, extensions: cost(200, 0, 100) })]);
    expect(await client.query("query Q { ok }")).toEqual({ ok: 1 });
    expect(sleeps).toEqual([2400]);
  });

  it("backs off exponentially when a throttled answer carries no cost, and gives up eventually", async () => {
    const throttled = () => ({ errors: [{ message: "Throttled" }] });
    const { client, sleeps } = scripted(Array.from({ length: 4 }, () => throttled));
    const limited = new RateLimitedGraphql((client as unknown as { admin: AdminApi }).admin, {
      sleep: async (ms) => void sleeps.push(ms), maxThrottleRetries: 3,
    });
    await expect(limited.query("query Q { ok }")).rejects.toThrow("Q: still throttled after 4 attempts");
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it("raises other GraphQL errors with their messages", async () => {
    const { client } = scripted([() => ({ errors: [{ message: "Field 'nope' doesn't exist on type 'Order'" }] })]);
    await expect(client.query("query Q { nope }")).rejects.toThrow(ShopifyGraphqlError);
  });
});
