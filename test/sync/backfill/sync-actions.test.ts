import { beforeEach, describe, expect, it } from "vitest";
import db from "~/db.server";
import { action } from "~/routes/app.sync";
import { fakeAdminApi } from "../../support/admin-api";
import { bearerRequest } from "../../support/auth";
import { resetDb } from "../../support/db";
import { ingestBodies } from "../../support/ingest";

// Node environment: the Admin API client refuses to run under jsdom.
const SHOP = "sync-page.myshopify.com";
const URL = "https://margin-ltv.test/app/sync";

beforeEach(resetDb);

describe("Sync page actions", () => {
  it("starts a backfill through the Admin API", async () => {
    await ingestBodies(SHOP, []);
    const calls = fakeAdminApi((call) => {
      expect(call.query).toContain("bulkOperationRunQuery");
      return { data: { bulkOperationRunQuery: { bulkOperation: { id: "gid://shopify/BulkOperation/9", status: "CREATED" }, userErrors: [] } } };
    });
    const body = new FormData();
    body.set("intent", "start-backfill");
    const response = await action({ request: await bearerRequest(URL, SHOP, { method: "POST", body }), params: {}, context: {} });
    expect(await response.json()).toEqual({ ok: true, message: "History import started" });
    expect(calls).toHaveLength(1);
    expect(await db.syncBackfill.findFirstOrThrow({ where: { shopId: SHOP } })).toMatchObject({ status: "waiting", bulkOperationId: "gid://shopify/BulkOperation/9" });
  });

  it("reports Shopify's refusal as a failure the page can show", async () => {
    await ingestBodies(SHOP, []);
    fakeAdminApi(() => ({ data: { bulkOperationRunQuery: { bulkOperation: null, userErrors: [{ field: null, message: "A bulk query operation for this app and shop is already in progress" }] } } }));
    const body = new FormData();
    body.set("intent", "start-backfill");
    const response = await action({ request: await bearerRequest(URL, SHOP, { method: "POST", body }), params: {}, context: {} });
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({ ok: false, error: "bulkOperationRunQuery refused: A bulk query operation for this app and shop is already in progress" });
  });

  it("refuses an unknown intent", async () => {
    await ingestBodies(SHOP, []);
    const body = new FormData();
    body.set("intent", "drop-tables");
    const response = await action({ request: await bearerRequest(URL, SHOP, { method: "POST", body }), params: {}, context: {} });
    expect(response.status).toBe(400);
  });
});
