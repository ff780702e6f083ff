/**
 * Bundles the app's worker-thread modules for the production build (`npm run build`, after the Remix
 * build): each into build/workers/<name>.mjs, with npm packages left as imports. The server bundle
 * finds them there (app/lib/worker-threads.server.ts); from source the `.ts` modules run through tsx.
 *
 * Usage: node scripts/build-workers.mjs [outdir]   (default build/workers)
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export const WORKER_ENTRIES = {
  "stream-map": "app/sync/stream-map.worker.ts",
  refresh: "app/analytics/refresh.worker.ts",
  "order-scan": "app/analytics/order-scan.worker.ts",
  "job-worker": "app/queue/worker.thread.ts",
};

export async function buildWorkers(outdir = path.join(root, "build/workers")) {
  await build({
    absWorkingDir: root,
    entryPoints: Object.fromEntries(Object.entries(WORKER_ENTRIES).map(([name, file]) => [name, path.join(root, file)])),
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    tsconfig: path.join(root, "tsconfig.json"),
    logLevel: "warning",
  });
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await buildWorkers(process.argv[2] ? path.resolve(process.argv[2]) : undefined);
}
