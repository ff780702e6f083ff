/** The app's pages, in the order the admin sidebar (and the demo's link bar) shows them. */
export const APP_PAGES = [
  { href: "/app", label: "Overview" },
  { href: "/app/orders", label: "Orders" },
  { href: "/app/cohorts", label: "Cohorts" },
  { href: "/app/segments", label: "Segments" },
  { href: "/app/ltv-cac", label: "LTV:CAC" },
  { href: "/app/model", label: "Model" },
  { href: "/app/customers", label: "Customers" },
  { href: "/app/costs", label: "Costs" },
  { href: "/app/sync", label: "Sync" },
  { href: "/app/settings", label: "Settings" },
] as const;
