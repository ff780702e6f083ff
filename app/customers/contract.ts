/**
 * The JSON contract of GET /api/customers/:customerId, the route the admin block extension
 * (extensions/customer-margin-block) calls. Pure types and constants: the extension imports them
 * type-only, so its bundle carries none of the app.
 *
 * Money is integer minor units of the shop currency (`currency`, `currencyDigits`). No protected
 * customer data (name, email, phone, address) is ever part of it: the app does not request those
 * fields from Shopify and the ledger holds ids and order names only (see `protectedData`).
 */
import type { CustomerFlagKind } from "../domain/analytics/flags";

export const CUSTOMER_CARD_VERSION = 1;

export interface CustomerFlagDto {
  kind: CustomerFlagKind;
  label: string;
  /** The reason in plain words, with the numbers in it. */
  reason: string;
  /** The numbers behind the reason (minor units, counts, basis points), as the flag rules give them. */
  numbers: Readonly<Record<string, number>>;
}

export interface CustomerFigures {
  /** Lifetime contribution margin (CM-LTV to date). */
  contributionMarginLtv: number;
  /** Lifetime net revenue (revenue LTV to date). */
  revenueLtv: number;
  grossMarginLtv: number;
  /** Orders (purchases; cancelled orders are not orders). */
  orders: number;
  /** CM-LTV / orders, rounded half away from zero to a minor unit; null with no order. */
  marginPerOrder: number | null;
  /** CM-LTV as a share of revenue LTV in basis points; null when revenue is 0. */
  contributionMarginBps: number | null;
  firstOrderAt: string;
}

export interface CustomerCard {
  version: typeof CUSTOMER_CARD_VERSION;
  /** gid://shopify/Customer/... */
  customerId: string;
  /** The numeric part of the GID, as a string (ids can exceed 2^53). */
  customerNumber: string;
  currency: string;
  currencyDigits: number;
  /**
   * ready: figures and flags computed. no_data: the customer is in this shop's ledger but has no
   * counted purchase with a computed margin yet (margins still being computed, or every order cancelled).
   */
  status: "ready" | "no_data";
  figures: CustomerFigures | null;
  flags: CustomerFlagDto[];
  /** Path of the customer in the app's Customers page (relative to the app URL). */
  appPath: string;
  /**
   * Protected customer data (name, email, phone, address): the app is not granted it and asks for
   * none, so `granted` is always false and no such field is in this response.
   */
  protectedData: { granted: false; fields: [] };
}

/** The body of every non-200 answer of the route. */
export interface CustomerApiError {
  error: "unauthorized" | "not_found" | "method_not_allowed";
  message: string;
}

/** Path of a customer on the app's Customers page. */
export function customerAppPath(customerId: string): string {
  return `/app/customers?customer=${encodeURIComponent(customerId)}`;
}
