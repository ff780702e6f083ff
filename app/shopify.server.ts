/**
 * The Shopify app configuration: Prisma session storage, API 2026-07, App Store distribution,
 * token-exchange auth (Shopify-managed installation) and expiring offline tokens.
 * Webhook subscriptions are declared in shopify.app.toml, not registered from code.
 */
import "@shopify/shopify-app-remix/adapters/node";
import { ApiVersion, AppDistribution, LogSeverity, shopifyApp } from "@shopify/shopify-app-remix/server";
import { PrismaSessionStorage } from "@shopify/shopify-app-session-storage-prisma";
import db from "./db.server";
import { log } from "./lib/log.server";
import { registerShopFromAdmin } from "./shops/shops.server";

export const API_VERSION = ApiVersion.July26;

const shopify = shopifyApp({
  apiKey: process.env.SHOPIFY_API_KEY,
  apiSecretKey: process.env.SHOPIFY_API_SECRET || "",
  apiVersion: API_VERSION,
  scopes: process.env.SCOPES?.split(","),
  appUrl: process.env.SHOPIFY_APP_URL || "",
  authPathPrefix: "/auth",
  logger: { level: process.env.NODE_ENV === "test" ? LogSeverity.Error : LogSeverity.Info },
  sessionStorage: new PrismaSessionStorage(db),
  distribution: AppDistribution.AppStore,
  future: {
    unstable_newEmbeddedAuthStrategy: true,
    expiringOfflineAccessTokens: true,
  },
  hooks: {
    afterAuth: async ({ session, admin }) => {
      // Learn the shop's currency and time zone once installed: money and cohorts depend on them.
      await registerShopFromAdmin(db, session.shop, admin.graphql);
      // Then import the order history (a bulk operation; resumes if one is already under way).
      // A failure here must not fail the install: the Sync page shows it with a retry button.
      try {
        const { startBackfill } = await import("./sync/backfill.server");
        await startBackfill(db, session.shop, admin);
      } catch (error) {
        log("error", "backfill.start_failed", { shop: session.shop, error: error instanceof Error ? error.message : String(error) });
      }
    },
  },
  ...(process.env.SHOP_CUSTOM_DOMAIN ? { customShopDomains: [process.env.SHOP_CUSTOM_DOMAIN] } : {}),
});

export default shopify;
export const apiVersion = API_VERSION;
export const addDocumentResponseHeaders = shopify.addDocumentResponseHeaders;
export const authenticate = shopify.authenticate;
export const unauthenticated = shopify.unauthenticated;
export const login = shopify.login;
export const registerWebhooks = shopify.registerWebhooks;
export const sessionStorage = shopify.sessionStorage;
