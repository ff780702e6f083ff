/**
 * Everything the block decides, without its runtime: how the app's answer becomes a state, and what
 * each state shows. BlockExtension.tsx only maps a BlockView onto Polaris web components, so these
 * functions are unit-tested from the app's root (test/extensions) without Preact or the admin.
 *
 * The card itself (figures, wording, flag tones) is the app's card-view, shared with the Customers
 * page, so the block and the page cannot drift apart.
 */
import type { CustomerApiError, CustomerCard } from "../../../app/customers/contract";
import { customerCardView, type CardMetric, type CardTone } from "../../../app/customers/card-view";

export type BlockState =
  | { status: "loading" }
  | { status: "loaded"; card: CustomerCard }
  /** The app has never seen this customer (no order in its ledger yet). */
  | { status: "unknown_customer" }
  | { status: "error"; httpStatus: number | null; message: string };

export type BlockView =
  | { kind: "loading"; text: string }
  | { kind: "message"; tone: "info" | "critical"; title: string; text: string; retry: boolean; link: BlockLink | null }
  | {
      kind: "card";
      summary: string;
      metrics: CardMetric[];
      flags: { label: string; reason: string; tone: CardTone }[];
      noFlags: string | null;
      link: BlockLink;
    };

export interface BlockLink {
  href: string;
  label: string;
}

/** The route on the app, relative to its app_url (the admin resolves it and adds the ID token). */
export function customerApiPath(customerId: string): string {
  return `/api/customers/${encodeURIComponent(customerId)}`;
}

/**
 * A path of the app (`/app/customers?...`) as a link the admin opens inside the app: the `app:`
 * protocol of admin UI extensions, resolved against the app's URL.
 */
export function appLink(path: string): string {
  return `app:${path.replace(/^\//, "")}`;
}

const CUSTOMERS_LINK: BlockLink = { href: appLink("/app/customers"), label: "Open Customers in Margin LTV" };

function isCard(body: unknown): body is CustomerCard {
  const card = body as Partial<CustomerCard> | null;
  return typeof card === "object" && card !== null && card.version === 1 && typeof card.customerId === "string"
    && (card.status === "ready" || card.status === "no_data") && Array.isArray(card.flags) && typeof card.currency === "string";
}

/** The state for an HTTP answer of the route (`body` is its parsed JSON, or null when it had none). */
export function stateFromResponse(httpStatus: number, body: unknown): BlockState {
  if (httpStatus === 200) {
    return isCard(body)
      ? { status: "loaded", card: body }
      : { status: "error", httpStatus, message: "The app answered with data this block does not understand. Update the app." };
  }
  if (httpStatus === 404) return { status: "unknown_customer" };
  if (httpStatus === 401 || httpStatus === 403) {
    return { status: "error", httpStatus, message: "Your session could not be verified. Reload the page; if it persists, open the app once to reinstall it." };
  }
  const message = (body as Partial<CustomerApiError> | null)?.message;
  return { status: "error", httpStatus, message: typeof message === "string" && message ? message : `The app answered ${httpStatus}.` };
}

/**
 * Loads the state with `fetchFn` (the extension's global fetch: relative URLs go to the app URL with
 * the admin's ID token in the Authorization header).
 */
export async function loadBlockState(fetchFn: typeof fetch, customerId: string | undefined): Promise<BlockState> {
  if (!customerId) return { status: "error", httpStatus: null, message: "No customer is selected." };
  let response: Response;
  try {
    response = await fetchFn(customerApiPath(customerId), { headers: { Accept: "application/json" } });
  } catch (error) {
    return { status: "error", httpStatus: null, message: `The app could not be reached (${error instanceof Error ? error.message : String(error)}).` };
  }
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  return stateFromResponse(response.status, body);
}

export function blockView(state: BlockState): BlockView {
  switch (state.status) {
    case "loading":
      return { kind: "loading", text: "Loading margin figures…" };
    case "unknown_customer":
      return {
        kind: "message", tone: "info", title: "No data yet", retry: false, link: CUSTOMERS_LINK,
        text: "Margin LTV has no order of this customer yet. Figures appear after their first order is synced.",
      };
    case "error":
      return { kind: "message", tone: "critical", title: "Margin figures unavailable", text: state.message, retry: true, link: null };
    case "loaded": {
      const view = customerCardView(state.card);
      const link = { href: appLink(view.appPath), label: "View in Margin LTV" };
      if (state.card.status === "no_data" || view.metrics.length === 0) {
        return { kind: "message", tone: "info", title: "No data yet", text: view.summary, retry: true, link };
      }
      return {
        kind: "card",
        summary: view.summary,
        metrics: view.metrics,
        flags: view.flags.map(({ label, reason, tone }) => ({ label, reason, tone })),
        noFlags: view.noFlags,
        link,
      };
    }
  }
}
