/**
 * Building the Customers page's flagged lists from the customer facts (pure: the analytics refresh runs
 * it off the request thread, app/analytics/refresh-compute.ts). Storing and reading them is in
 * flag-lists.server.ts.
 */
import type { CustomerFacts, CustomerFlag, CustomerFlagKind, CustomerFlagSet, FlagOptions } from "~/domain/analytics";
import { flagCustomers } from "~/domain/analytics";
import { gidNumber } from "~/domain/ledger/gid";
import { FLAG_KINDS } from "./flag-kinds";

export interface FlaggedRow {
  customerId: string;
  customerNumber: string;
  contributionMargin: number;
  revenue: number;
  orders: number;
  /** The flag of the list the row is in. */
  flag: CustomerFlag;
  /** The customer's other flags. */
  otherFlags: { kind: CustomerFlagKind; label: string }[];
}

export type FlagLists = Record<CustomerFlagKind, FlaggedRow[]>;

/** The snapshot row the refresh writes beside the lists: its computedAt is the model's (the projections row's). */
export const FLAGGED_VIEW = "flagged";

export interface FlaggedPayload {
  /** Customers considered (every customer with an order). */
  customers: number;
}

/** Every flagged customer by kind, in the page's order. */
export function buildFlagLists(facts: readonly CustomerFacts[], options: FlagOptions): FlagLists {
  return flagListsOf(facts, flagCustomers(facts, options));
}

/** The lists of customers already flagged: `sets[i]` is `facts[i]`'s flags (flagCustomers). */
export function flagListsOf(facts: readonly CustomerFacts[], sets: readonly CustomerFlagSet[]): FlagLists {
  const lists = Object.fromEntries(FLAG_KINDS.map((kind) => [kind, [] as FlaggedRow[]])) as FlagLists;
  sets.forEach((set, i) => {
    if (set.flags.length === 0) return;
    const c = facts[i];
    for (const flag of set.flags) {
      lists[flag.kind].push({
        customerId: c.customerId, customerNumber: gidNumber(c.customerId), contributionMargin: c.contributionMargin, revenue: c.revenue,
        orders: c.orders, flag, otherFlags: set.flags.filter((other) => other !== flag).map((other) => ({ kind: other.kind, label: other.label })),
      });
    }
  });
  for (const kind of FLAG_KINDS) {
    const sign = kind === "high_value" ? -1 : 1;
    lists[kind].sort((a, b) => sign * (a.contributionMargin - b.contributionMargin) || (a.customerId < b.customerId ? -1 : 1));
  }
  return lists;
}
