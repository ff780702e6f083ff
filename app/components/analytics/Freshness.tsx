/** "Figures as of 10:42, recomputing…": when the figures on a page were computed, and whether a refresh runs. */
import { useRevalidator } from "@remix-run/react";
import { Banner, Text } from "@shopify/polaris";
import { useEffect } from "react";

export interface FreshnessData {
  computedAt: string | null;
  stale: boolean;
  recomputing: boolean;
  error: string | null;
}

export function freshnessText(f: FreshnessData, timeZone: string): string {
  if (!f.computedAt) return "Computing your figures for the first time…";
  const at = new Intl.DateTimeFormat("en-US", { timeZone, month: "short", day: "numeric", hour: "numeric", minute: "2-digit", hourCycle: "h23" })
    .format(new Date(f.computedAt));
  return `Figures as of ${at}${f.recomputing ? ", recomputing…" : ""}`;
}

/** While a refresh runs the page reloads its data every few seconds. */
export function useRefreshWhileRecomputing(f: FreshnessData) {
  const { revalidate, state } = useRevalidator();
  useEffect(() => {
    if (!f.recomputing) return;
    const timer = setTimeout(() => {
      if (state === "idle") revalidate();
    }, 4000);
    return () => clearTimeout(timer);
  }, [f.recomputing, f.computedAt, revalidate, state]);
}

export function FreshnessLine({ freshness, timeZone }: { freshness: FreshnessData; timeZone: string }) {
  useRefreshWhileRecomputing(freshness);
  return (
    <>
      <Text as="p" variant="bodySm" tone="subdued">
        {freshnessText(freshness, timeZone)}
      </Text>
      {freshness.error ? (
        <Banner tone="warning" title="The last recompute failed">
          <p>{freshness.error}</p>
        </Banner>
      ) : null}
    </>
  );
}
