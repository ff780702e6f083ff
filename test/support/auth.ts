import { RequestType, setUpValidRequest, setUpValidSession } from "@shopify/shopify-api/test-helpers";
import { sessionStorage } from "~/shopify.server";

async function storeOfflineSession(shop: string) {
  const session = setUpValidSession({ id: `offline_${shop}`, shop, expires: new Date(Date.now() + 3_600_000), isOnline: false });
  await sessionStorage.storeSession(session);
}

/**
 * A request as Shopify admin sends it to an embedded app page (signed id_token), for a shop whose
 * offline session is stored, so `authenticate.admin` succeeds without calling Shopify.
 */
export async function adminRequest(url: string, shop: string): Promise<Request> {
  await storeOfflineSession(shop);
  return setUpValidRequest(
    {
      type: RequestType.Admin,
      store: shop.replace(".myshopify.com", ""),
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecretKey: process.env.SHOPIFY_API_SECRET!,
    },
    new Request(url),
  );
}

/** A request with an App Bridge session token in the Authorization header (fetches, extensions). */
export async function bearerRequest(url: string, shop: string, init?: RequestInit): Promise<Request> {
  await storeOfflineSession(shop);
  return setUpValidRequest(
    {
      type: RequestType.Bearer,
      store: shop.replace(".myshopify.com", ""),
      apiKey: process.env.SHOPIFY_API_KEY!,
      apiSecretKey: process.env.SHOPIFY_API_SECRET!,
    },
    new Request(url, init),
  );
}
