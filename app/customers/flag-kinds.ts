import type { CustomerFlagKind } from "../domain/analytics/flags";

/** Every flag kind, in the order the Customers page's tabs and the CSV show them. */
export const FLAG_KINDS = [
  "high_value", "negative_margin", "discount_dependent", "high_return", "service_heavy", "valuable_but_costly", "at_risk", "new",
] as const satisfies readonly CustomerFlagKind[];
