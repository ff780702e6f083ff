import { setAbstractFetchFunc } from "@shopify/shopify-api/runtime";

export interface GraphqlCall {
  shop: string;
  query: string;
  variables: Record<string, unknown> | undefined;
}

type Responder = (call: GraphqlCall) => unknown;

const calls: GraphqlCall[] = [];
let responder: Responder = () => {
  throw new Error("No fake Admin API response set for this test");
};

/**
 * Replaces the HTTP client of @shopify/shopify-api with a fake Admin GraphQL API. The responder gets
 * each call and returns the GraphQL response body ({ data } or { errors }).
 */
export function fakeAdminApi(next: Responder): GraphqlCall[] {
  calls.length = 0;
  responder = next;
  setAbstractFetchFunc(async (input, init) => {
    const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url);
    const body = JSON.parse(String(init?.body ?? "{}")) as { query: string; variables?: Record<string, unknown> };
    const call = { shop: url.hostname, query: body.query, variables: body.variables };
    calls.push(call);
    const payload = responder(call);
    return new Response(JSON.stringify(payload), { status: 200, headers: { "Content-Type": "application/json" } });
  });
  return calls;
}
