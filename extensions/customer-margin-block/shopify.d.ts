// Types of the `shopify` global for this extension's target. Shopify CLI writes an equivalent file on
// `shopify app dev` / `build`; kept here so `npm run typecheck` works without the CLI.
import "@shopify/ui-extensions";
import type { Api } from "@shopify/ui-extensions/admin.customer-details.block.render";

declare global {
  const shopify: Api;
}
