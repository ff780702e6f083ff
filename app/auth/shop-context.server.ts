/**
 * The first line of every app loader and action: who is asking, for which shop.
 * In Shopify admin that is `authenticate.admin`; in the local demo it is the demo shop (see demo-mode).
 */
import db from "~/db.server";
import { authenticate } from "~/shopify.server";
import { getShop, registerShopFromAdmin, type ShopSettings } from "~/shops/shops.server";
import { assertDemoDatabase, DEMO_SHOP_DOMAIN, isDemoRequest } from "./demo-mode.server";

type AdminContext = Awaited<ReturnType<typeof authenticate.admin>>;

export interface ShopContext {
  shop: ShopSettings;
  demo: boolean;
  admin: AdminContext["admin"] | null;
}

// Checked once per process: a database with real shops in it never serves the demo.
let demoDatabaseChecked: Promise<void> | null = null;

export async function requireShop(request: Request, context: unknown): Promise<ShopContext> {
  if (isDemoRequest(request, context)) {
    demoDatabaseChecked ??= assertDemoDatabase(db);
    await demoDatabaseChecked;
    const shop = await getShop(db, DEMO_SHOP_DOMAIN);
    if (!shop?.isDemo) throw new Response("The demo store has not been generated: run npm run demo", { status: 503 });
    return { shop, demo: true, admin: null };
  }
  const { session, admin } = await authenticate.admin(request);
  const shop = (await getShop(db, session.shop)) ?? (await registerShopFromAdmin(db, session.shop, admin.graphql));
  return { shop, demo: false, admin };
}
