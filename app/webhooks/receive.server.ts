/**
 * The one way a webhook request is received: method, headers and HMAC checked (405 not POST, 400
 * missing headers or body, 401 bad HMAC — the answers of the Shopify library's `authenticate.webhook`),
 * the body parsed exactly (ids above 2^53 kept), and a body that fails validation refused with a log
 * line before anything is written.
 *
 * The check is done here rather than by `authenticate.webhook`: that call also loads (and may refresh,
 * over the network) the shop's offline session for an Admin client no handler uses, JSON-parses the
 * body a second time (losing ids above 2^53) and canonicalises every header with regular expressions;
 * together about a third of the server's CPU per delivery in the webhook benchmark. The HMAC is
 * Shopify's: base64 HMAC-SHA256 of the raw body with the app secret, compared in constant time.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { parseJsonExact } from "~/domain/ledger/json";
import { PayloadError } from "~/domain/ledger/shopify-order";
import { log } from "~/lib/log.server";
import { ensureWorker } from "~/queue/worker.server";

export interface WebhookRequest {
  shop: string;
  topic: string;
  webhookId: string;
  body: unknown;
  /** The body exactly as received (kept where a payload is stored for later re-derivation). */
  rawBody: string;
}

export type WebhookHandler = (webhook: WebhookRequest) => Promise<Record<string, unknown> | void>;

const REQUIRED_HEADERS = ["X-Shopify-Hmac-Sha256", "X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id"];

/** Whether `hmac` (base64, from the header) signs `body` with the app secret. Constant time. */
export function validWebhookHmac(body: Buffer, hmac: string, secret = process.env.SHOPIFY_API_SECRET ?? ""): boolean {
  if (!secret) return false;
  const expected = createHmac("sha256", secret).update(body).digest();
  const given = Buffer.from(hmac, "base64");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export async function receiveWebhook(request: Request, handler: WebhookHandler): Promise<Response> {
  const started = performance.now();
  // This process's queue worker runs the slow part of thin topics (no-op under tests, or JOB_WORKER=off).
  ensureWorker();
  if (request.method !== "POST") return new Response(undefined, { status: 405, statusText: "Method not allowed" });
  const missing = REQUIRED_HEADERS.filter((name) => !request.headers.get(name));
  const bytes = Buffer.from(await request.arrayBuffer());
  if (missing.length || !bytes.length) {
    log("warn", "webhook.refused", { url: request.url, reason: missing.length ? `missing headers: ${missing.join(", ")}` : "empty body" });
    return new Response(undefined, { status: 400, statusText: "Bad Request" });
  }
  if (!validWebhookHmac(bytes, request.headers.get("X-Shopify-Hmac-Sha256")!)) {
    log("warn", "webhook.refused", { url: request.url, reason: "invalid HMAC" });
    return new Response(undefined, { status: 401, statusText: "Unauthorized" });
  }
  const rawBody = bytes.toString("utf8");
  let body: unknown;
  try {
    body = parseJsonExact(rawBody);
  } catch {
    // The signature was valid, but the body is not JSON.
    log("warn", "webhook.refused", { url: request.url, reason: "body is not valid JSON" });
    return new Response("Body is not valid JSON", { status: 400 });
  }
  const webhook: WebhookRequest = {
    shop: request.headers.get("X-Shopify-Shop-Domain")!,
    // Shopify's own spelling ("orders/create").
    topic: request.headers.get("X-Shopify-Topic")!,
    webhookId: request.headers.get("X-Shopify-Webhook-Id")!,
    body,
    rawBody,
  };
  try {
    const result = await handler(webhook);
    log("info", "webhook.handled", {
      shop: webhook.shop,
      topic: webhook.topic,
      webhookId: webhook.webhookId,
      ms: Math.round(performance.now() - started),
      ...(result ?? {}),
    });
    return new Response(null, { status: 200 });
  } catch (error) {
    if (error instanceof PayloadError) {
      log("warn", "webhook.refused", {
        shop: webhook.shop,
        topic: webhook.topic,
        webhookId: webhook.webhookId,
        reason: error.message,
      });
      return new Response(error.message, { status: 422 });
    }
    log("error", "webhook.failed", {
      shop: webhook.shop,
      topic: webhook.topic,
      webhookId: webhook.webhookId,
      error: error instanceof Error ? error.message : String(error),
    });
    throw error;
  }
}
