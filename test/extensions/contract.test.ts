/**
 * The block and the route agree: the route's real JSON for each hand-built customer, fed to the block's
 * view model, shows that customer's flag with the domain's reason (the block must never fall into its
 * "does not understand" error on a real answer).
 */
import type { LoaderFunctionArgs } from "@remix-run/node";
import { beforeAll, describe, expect, it } from "vitest";
import { loader } from "~/routes/api.customers.$customerId";
import { blockView, stateFromResponse } from "../../extensions/customer-margin-block/src/view-model";
import { customer, EXPECTED_FLAG, seedFlagStore, SHOP } from "../customers/fixture";
import { bearerRequest } from "../support/auth";
import { resetDb } from "../support/db";

async function fetchRoute(id: string) {
  const request = await bearerRequest(`https://margin-ltv.test/api/customers/${encodeURIComponent(id)}`, SHOP);
  const response = await loader({ request, params: { customerId: id }, context: {} } as LoaderFunctionArgs);
  return stateFromResponse(response.status, await response.json());
}

beforeAll(async () => {
  await resetDb();
  await seedFlagStore();
});

describe("route JSON -> block view", () => {
  it("shows every hand-built customer's flag with its reason", async () => {
    for (const [n, kind] of Object.entries(EXPECTED_FLAG)) {
      const state = await fetchRoute(customer(Number(n)));
      expect(state.status).toBe("loaded");
      if (state.status !== "loaded") continue;
      const view = blockView(state);
      expect(view.kind).toBe("card");
      if (view.kind !== "card") continue;
      expect(view.flags).toEqual(state.card.flags.map((flag) => ({ label: flag.label, reason: flag.reason, tone: expect.any(String) })));
      expect(state.card.flags.map((flag) => flag.kind)).toEqual([kind]);
      expect(view.metrics.map((metric) => metric.label)).toEqual(["CM-LTV", "Revenue LTV", "Orders", "Margin per order"]);
    }
  });

  it("shows 'No data yet' for the known customer without figures and for another shop's customer", async () => {
    expect(blockView(await fetchRoute(customer(8)))).toMatchObject({ kind: "message", title: "No data yet" });
    expect(blockView(await fetchRoute(customer(9)))).toMatchObject({ kind: "message", title: "No data yet" });
  });
});
