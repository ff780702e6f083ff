/**
 * Admin block on the customer details page (admin.customer-details.block.render, API 2026-07):
 * Preact + Polaris web components. It asks the app's /api/customers/:id route for the customer's
 * figures and flags; relative URLs resolve against the app's URL and carry the admin's ID token.
 * All decisions are in view-model.ts (unit-tested from the app's root); this file only draws them.
 */
import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useCallback, useEffect, useState } from "preact/hooks";
import { blockView, loadBlockState, type BlockState, type BlockView } from "./view-model";

export default async () => {
  render(<Extension />, document.body);
};

/** fetch with the admin's ID token (the admin adds it to app-URL fetches too; this makes it explicit). */
async function authenticatedFetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
  const token = await shopify.auth.idToken();
  const headers = new Headers(init.headers);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  return fetch(input, { ...init, headers });
}

function Extension() {
  const customerId = shopify.data.selected[0]?.id;
  const [state, setState] = useState<BlockState>({ status: "loading" });
  const load = useCallback(() => {
    setState({ status: "loading" });
    loadBlockState(authenticatedFetch as typeof fetch, customerId).then(setState);
  }, [customerId]);
  useEffect(load, [load]);
  return (
    <s-admin-block heading="Margin LTV">
      <BlockBody view={blockView(state)} onRetry={load} />
    </s-admin-block>
  );
}

export function BlockBody({ view, onRetry }: { view: BlockView; onRetry: () => void }) {
  if (view.kind === "loading") {
    return (
      <s-stack direction="inline" gap="small-200" alignItems="center">
        <s-spinner accessibilityLabel={view.text} size="base" />
        <s-text color="subdued">{view.text}</s-text>
      </s-stack>
    );
  }
  if (view.kind === "message") {
    return (
      <s-stack gap="small-200">
        <s-banner heading={view.title} tone={view.tone}>
          <s-paragraph>{view.text}</s-paragraph>
        </s-banner>
        <s-stack direction="inline" gap="base">
          {view.retry ? <s-button onClick={onRetry}>Try again</s-button> : null}
          {view.link ? <s-link href={view.link.href}>{view.link.label}</s-link> : null}
        </s-stack>
      </s-stack>
    );
  }
  return (
    <s-stack gap="base">
      <s-grid gridTemplateColumns="1fr 1fr 1fr 1fr" gap="base">
        {view.metrics.map((metric) => (
          <s-stack key={metric.key} gap="small-500">
            <s-text color="subdued">{metric.label}</s-text>
            <s-text type="strong" tone={metric.tone ?? "auto"} fontVariantNumeric="tabular-nums">{metric.value}</s-text>
          </s-stack>
        ))}
      </s-grid>
      <s-paragraph color="subdued">{view.summary}</s-paragraph>
      {view.flags.length ? (
        <s-stack gap="small-200">
          {view.flags.map((flag) => (
            <s-stack key={flag.label} direction="inline" gap="small-200" alignItems="start">
              <s-badge tone={flag.tone}>{flag.label}</s-badge>
              <s-text>{flag.reason}</s-text>
            </s-stack>
          ))}
        </s-stack>
      ) : (
        <s-text color="subdued">{view.noFlags}</s-text>
      )}
      <s-link href={view.link.href}>{view.link.label}</s-link>
    </s-stack>
  );
}
