/**
 * Names for Shopify sales channels. An order's `source_name` is "web", "pos", "shopify_draft_order",
 * or the numeric id of the sales-channel app that placed it; merchants know the first ones by their admin
 * names. App ids are not named here: the id alone does not say which app it is.
 */
const KNOWN: Record<string, string> = {
  web: "Online Store",
  pos: "Point of Sale",
  shopify_draft_order: "Draft orders",
  iphone: "Shopify mobile (iPhone)",
  android: "Shopify mobile (Android)",
};

/** "web" -> "Online Store", "2329312" -> "Sales channel app 2329312", "" -> "Unknown channel". */
export function channelLabel(sourceName: string | null | undefined): string {
  if (!sourceName) return "Unknown channel";
  const known = KNOWN[sourceName];
  if (known) return known;
  return /^\d+$/.test(sourceName) ? `Sales channel app ${sourceName}` : sourceName;
}
