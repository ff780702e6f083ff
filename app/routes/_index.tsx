import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { isDemoRequest } from "~/auth/demo-mode.server";

/**
 * The app's URL outside admin. Shopify opens /app inside admin (with ?shop=...); the demo goes straight
 * to the Overview; anyone else is told where the app lives.
 */
export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const url = new URL(request.url);
  if (isDemoRequest(request, context) || url.searchParams.get("shop")) {
    throw redirect(`/app?${url.searchParams.toString()}`);
  }
  return new Response(
    "Margin LTV runs inside Shopify admin. Install it from the Shopify App Store, then open it from your admin's Apps menu.",
    { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" } },
  );
};
