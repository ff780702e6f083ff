/**
 * Demo mode serves the app's real pages for a generated store, outside Shopify admin, with no login.
 * It must never be reachable in production, so every one of these must hold:
 * - DEMO_MODE=1 is set explicitly (it is off otherwise);
 * - the server was started by the demo launcher, bound to loopback, which marks its load context;
 * - the request comes from a loopback address and names a loopback host (no DNS rebinding);
 * - the database holds no real shop: no Shopify session and no shop other than the demo one
 *   (checked by the launcher before it starts, see assertDemoDatabase).
 */
import type { Db } from "~/db.server";

export const DEMO_SHOP_DOMAIN = "margin-ltv-demo.myshopify.com";

const LOOPBACK_ADDRESSES = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1"]);
const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

export interface DemoLoadContext {
  demoServer?: boolean;
  remoteAddress?: string;
}

export function demoModeEnabled(): boolean {
  return process.env.DEMO_MODE === "1";
}

export function isLoopbackAddress(address: string | undefined): boolean {
  return address !== undefined && (LOOPBACK_ADDRESSES.has(address) || address.startsWith("127."));
}

export function isDemoRequest(request: Request, context: unknown): boolean {
  if (!demoModeEnabled()) return false;
  const load = (context ?? {}) as DemoLoadContext;
  if (load.demoServer !== true || !isLoopbackAddress(load.remoteAddress)) return false;
  return LOOPBACK_HOSTS.has(new URL(request.url).hostname);
}

export class DemoDatabaseError extends Error {}

/** Refuses to serve the demo from a database that has ever held a real shop. */
export async function assertDemoDatabase(db: Db): Promise<void> {
  const sessions = await db.session.count();
  const realShops = await db.shop.count({ where: { OR: [{ isDemo: false }, { id: { not: DEMO_SHOP_DOMAIN } }] } });
  if (sessions > 0 || realShops > 0) {
    throw new DemoDatabaseError(
      `Demo mode refuses this database: it holds ${sessions} Shopify session(s) and ${realShops} real shop(s). ` +
        "The demo uses its own database file (.data/demo.sqlite); never point it at real shop data.",
    );
  }
}
