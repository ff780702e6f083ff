/**
 * Downloads a CSV route. Inside Shopify admin a plain link would lose the session token, so the file is
 * fetched (App Bridge adds the token to same-origin fetches) and saved from a blob.
 */
export async function downloadCsv(url: string, fallbackName: string): Promise<void> {
  const response = await fetch(url, { headers: { Accept: "text/csv" } });
  if (!response.ok) throw new Error(`The export failed (${response.status})`);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const href = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = href;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(href);
}
