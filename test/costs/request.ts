import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { adminRequest } from "../support/auth";

/** A signed admin POST with a form body (adminRequest signs a GET; the signature travels in the URL and headers). */
export async function adminPost(url: string, shop: string, fields: Record<string, string | Blob>): Promise<Request> {
  const signed = await adminRequest(url, shop);
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  const headers = new Headers(signed.headers);
  headers.delete("content-type");
  return new Request(signed.url, { method: "POST", headers, body: form });
}

export async function callLoader<T>(loader: (args: LoaderFunctionArgs) => Promise<T>, url: string, shop: string, params: Record<string, string> = {}): Promise<T> {
  return loader({ request: await adminRequest(url, shop), params, context: {} });
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies are asserted field by field
type JsonBody = any;

/** Calls an action; returns status and JSON body (thrown Responses included). */
export async function callAction(action: (args: ActionFunctionArgs) => Promise<Response>, url: string, shop: string,
  fields: Record<string, string | Blob>, params: Record<string, string> = {}): Promise<{ status: number; body: JsonBody }> {
  let response: Response;
  try {
    response = await action({ request: await adminPost(url, shop, fields), params, context: {} });
  } catch (error) {
    if (!(error instanceof Response)) throw error;
    response = error;
  }
  return { status: response.status, body: await response.json().catch(() => null) };
}
