/**
 * The one way a webhook request is received: HMAC and headers checked by `authenticate.webhook`
 * (401 bad HMAC, 400 missing headers, 405 not POST), the body parsed exactly (ids above 2^53 kept),
 * and a body that fails validation refused with a log line before anything is written.
 */
import { authenticate } from "~/shopify.server";
import { parseJsonExact } from "~/domain/ledger/json";
import { PayloadError } from "~/domain/ledger/shopify-order";
import { log } from "~/lib/log.server";

export interface WebhookRequest {
  shop: string;
  topic: string;
  webhookId: string;
  body: unknown;
}

export type WebhookHandler = (webhook: WebhookRequest) => Promise<Record<string, unknown> | void>;

export async function receiveWebhook(request: Request, handler: WebhookHandler): Promise<Response> {
  const started = performance.now();
  const copy = request.clone();
  let context: Awaited<ReturnType<typeof authenticate.webhook>>;
  try {
    context = await authenticate.webhook(request);
  } catch (error) {
    if (error instanceof Response) throw error;
    if (error instanceof SyntaxError) {
      // The signature was valid (JSON parsing comes after it), but the body is not JSON.
      log("warn", "webhook.refused", { url: request.url, reason: "body is not valid JSON" });
      return new Response("Body is not valid JSON", { status: 400 });
    }
    throw error;
  }
  const webhook: WebhookRequest = {
    shop: context.shop,
    // The header keeps Shopify's own spelling ("orders/create"); the library gives ORDERS_CREATE.
    topic: copy.headers.get("X-Shopify-Topic") ?? String(context.topic),
    webhookId: context.webhookId,
    body: parseJsonExact(await copy.text()),
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
