/** The app's pages, in the order the admin sidebar (and the demo's link bar) shows them. */
export const APP_PAGES = [
  { href: "/app", label: "Overview" },
  { href: "/app/orders", label: "Orders" },
] as const;
