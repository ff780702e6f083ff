/**
 * server.mjs hands webhook deliveries straight to their route's action (webhookFastPath): the action
 * gets the exact body bytes, the headers and the load context; its Response (returned or thrown) is the
 * answer; an error is a 500; anything else goes on to Remix.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

type Action = (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response>;
const seen: { body: string; topic: string | null; url: string; context: Record<string, unknown> }[] = [];

const route = (path: string, action: Action) => ({ id: `routes/${path}`, path, parentId: "root", module: { action } });
const build = {
  routes: {
    orders: route("webhooks/orders/create", async ({ request, context }) => {
      seen.push({ body: await request.text(), topic: request.headers.get("X-Shopify-Topic"), url: request.url, context });
      return new Response("applied", { status: 200, headers: { "X-Outcome": "applied" } });
    }),
    refused: route("webhooks/refunds/create", async () => {
      throw new Response(undefined, { status: 401 });
    }),
    broken: route("webhooks/shop/redact", async () => {
      throw new Error("database is locked");
    }),
    // A page route (a component): never taken by the fast path.
    page: { id: "routes/app", path: "app", parentId: "root", module: { action: async () => new Response("page"), default: () => null } },
  },
};

let server: Server;
let base: string;
let paths: string[];

beforeAll(async () => {
  const { webhookFastPath } = (await import("../../server.mjs" as string)) as {
    webhookFastPath: (build: unknown, context: (req: express.Request) => Record<string, unknown>) => { paths: string[]; handler: express.RequestHandler };
  };
  const fast = webhookFastPath(build, (req) => ({ remoteAddress: req.socket.remoteAddress }));
  paths = fast.paths;
  const app = express();
  app.post(fast.paths, fast.handler);
  app.all("*", (_req, res) => res.status(404).send("remix"));
  server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const post = (path: string, body: string) =>
  fetch(`${base}${path}`, { method: "POST", body, headers: { "X-Shopify-Topic": "orders/create", "Content-Type": "application/json" } });

describe("webhookFastPath", () => {
  it("takes the webhook resource routes only", () => {
    expect(paths.sort()).toEqual(["/webhooks/orders/create", "/webhooks/refunds/create", "/webhooks/shop/redact"]);
  });

  it("gives the action the exact body, the headers and the load context, and answers with its Response", async () => {
    const body = '{"id":12345678901234567890,"note":"caf\u00e9 \u2014 ok"}';
    const response = await post("/webhooks/orders/create?x=1", body);
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Outcome")).toBe("applied");
    expect(await response.text()).toBe("applied");
    expect(seen.at(-1)).toEqual({ body, topic: "orders/create", url: `${base}/webhooks/orders/create?x=1`, context: { remoteAddress: "127.0.0.1" } });
  });

  it("answers a thrown Response as it is, and an error with 500", async () => {
    expect((await post("/webhooks/refunds/create", "{}")).status).toBe(401);
    expect((await post("/webhooks/shop/redact", "{}")).status).toBe(500);
  });

  it("leaves every other request to Remix", async () => {
    expect(await (await post("/app", "{}")).text()).toBe("remix");
    expect(await (await post("/webhooks/unknown/topic", "{}")).text()).toBe("remix");
    expect(await (await fetch(`${base}/webhooks/orders/create`)).text()).toBe("remix");
  });
});
