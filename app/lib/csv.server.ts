/** CSV downloads: the same numbers as the page, money as exact decimal strings in the shop currency. */
import { stringify } from "csv-stringify/sync";

export function csvResponse(filename: string, header: string[], rows: (string | number | null)[][]): Response {
  const body = stringify([header, ...rows.map((row) => row.map((cell) => (cell === null ? "" : cell)))]);
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename}"`,
      "Cache-Control": "no-store",
    },
  });
}
