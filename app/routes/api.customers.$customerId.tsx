/**
 * GET /api/customers/:customerId (URL-encoded GID or numeric id): one customer's CM-LTV, revenue LTV,
 * orders, margin per order and flags with their reasons, for the admin block extension
 * (extensions/customer-margin-block). JSON contract: app/customers/contract.ts.
 *
 * Access:
 * - The admin's ID token (session token) in `Authorization: Bearer`, checked by `authenticate.admin`;
 *   the shop is the token's, so only that shop's customers exist here. No token: 401 (not the
 *   login redirect `authenticate.admin` gives documents); a bad or expired token: 401 from the library.
 * - Another shop's customer and an unknown customer both get the same 404 body: existence never leaks.
 * - CORS: the block runs on Shopify's extension origin, not the app's. `authenticate.admin` answers the
 *   preflight OPTIONS itself (204, `Access-Control-Allow-Origin: *`, Authorization allowed) and adds
 *   the CORS headers to the responses it throws; the `cors` helper it returns adds them to ours.
 *   Remix sends OPTIONS to a resource route's loader, so the loader is where that happens.
 * - No protected customer data (name, email, phone, address): the app does not request it.
 * - In the local demo (loopback only, see demo-mode.server.ts) the demo shop answers without a token.
 */
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { customerCard } from "~/customers/card.server";
import type { CustomerApiError } from "~/customers/contract";
import { customerIdParam } from "~/customers/query";
import { isDemoRequest } from "~/auth/demo-mode.server";
import { requireShop } from "~/auth/shop-context.server";
import db from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getShop, registerShopFromAdmin, type ShopSettings } from "~/shops/shops.server";

const NO_STORE = { "Cache-Control": "private, no-store" };

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json; charset=utf-8", ...NO_STORE } });
}

function error(status: number, code: CustomerApiError["error"], message: string): Response {
  return json({ error: code, message } satisfies CustomerApiError, status);
}

/** CORS headers for answers given before `authenticate.admin` runs (same as the library's). */
function withCors(request: Request, response: Response): Response {
  if (request.headers.get("Origin")) {
    response.headers.set("Access-Control-Allow-Origin", "*");
    response.headers.set("Access-Control-Allow-Headers", "Authorization, Content-Type");
  }
  return response;
}

const hasSessionToken = (request: Request) =>
  /^Bearer\s+\S+/i.test(request.headers.get("Authorization") ?? "") || new URL(request.url).searchParams.has("id_token");

export const loader = async ({ request, params, context }: LoaderFunctionArgs) => {
  if (request.method !== "OPTIONS" && isDemoRequest(request, context)) {
    const { shop } = await requireShop(request, context); // the demo shop, with the demo database checks
    return answer(shop, params.customerId, (response) => response);
  }
  // A preflight has no token: authenticate.admin throws its 204 answer with the CORS headers.
  if (request.method !== "OPTIONS" && !hasSessionToken(request)) {
    return withCors(request, error(401, "unauthorized", "A session token is required (Authorization: Bearer <ID token>)."));
  }
  const { session, admin, cors } = await authenticate.admin(request);
  const shop = (await getShop(db, session.shop)) ?? (await registerShopFromAdmin(db, session.shop, admin.graphql));
  return answer(shop, params.customerId, cors);
};

async function answer(shop: ShopSettings, param: string | undefined, cors: (response: Response) => Response) {
  const customerId = customerIdParam(param);
  const card = customerId ? await customerCard(db, shop, customerId) : null;
  if (!card) return cors(error(404, "not_found", "No such customer in this store's data."));
  return cors(json(card));
}

/** The route reads only. (OPTIONS never gets here: Remix gives it to the loader.) */
export const action = async ({ request }: ActionFunctionArgs) => {
  return withCors(request, error(405, "method_not_allowed", "Only GET is supported."));
};
