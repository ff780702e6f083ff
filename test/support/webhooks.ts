import { createHmac, randomUUID } from "node:crypto";

export const TEST_SHOP = "test-shop.myshopify.com";

export interface WebhookOptions {
  shop?: string;
  webhookId?: string;
  secret?: string;
  /** Override or drop (undefined) individual headers. */
  headers?: Record<string, string | undefined>;
  method?: string;
}

/** A webhook request as Shopify sends it: the raw body signed with the app secret. */
export function signedWebhook(topic: string, body: string, options: WebhookOptions = {}): Request {
  const secret = options.secret ?? process.env.SHOPIFY_API_SECRET!;
  const headers: Record<string, string | undefined> = {
    "Content-Type": "application/json",
    "X-Shopify-Topic": topic,
    "X-Shopify-Shop-Domain": options.shop ?? TEST_SHOP,
    "X-Shopify-API-Version": "2026-07",
    "X-Shopify-Webhook-Id": options.webhookId ?? randomUUID(),
    "X-Shopify-Hmac-Sha256": createHmac("sha256", secret).update(body, "utf8").digest("base64"),
    "X-Shopify-Triggered-At": new Date().toISOString(),
    ...options.headers,
  };
  const defined = Object.fromEntries(Object.entries(headers).filter(([, value]) => value !== undefined)) as Record<string, string>;
  const method = options.method ?? "POST";
  return new Request(`https://margin-ltv.test/webhooks/${topic}`, {
    method,
    headers: defined,
    body: method === "GET" ? undefined : body,
  });
}

/** Calls a route action and returns its response, whether returned or thrown (Remix does the same). */
export async function callAction(
  action: (args: { request: Request; params: Record<string, string>; context: Record<string, unknown> }) => Promise<Response> | Response,
  request: Request,
): Promise<Response> {
  try {
    return await action({ request, params: {}, context: {} });
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}
