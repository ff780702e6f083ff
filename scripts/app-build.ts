/**
 * Build and migration steps shared by the demo launcher and the benchmarks that serve the real app.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === "generated") continue;
      newest = Math.max(newest, newestMtime(full));
    } else newest = Math.max(newest, statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Rebuilds the app (`npm run build`'s two steps: the Remix build, then the worker bundles) when the
 * build is missing or older than app/ or package.json; true when it built.
 */
export function buildIfStale(root: string, onBuild?: () => void): boolean {
  const outputs = [path.join(root, "build/server/index.js"), path.join(root, "build/workers/refresh.mjs")];
  const sources = Math.max(newestMtime(path.join(root, "app")), statSync(path.join(root, "package.json")).mtimeMs);
  if (outputs.every((output) => existsSync(output) && statSync(output).mtimeMs > sources)) return false;
  onBuild?.();
  execFileSync(process.execPath, [path.join(root, "node_modules/@remix-run/dev/dist/cli.js"), "vite:build"], {
    cwd: root,
    env: { ...process.env, NODE_ENV: "production" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  execFileSync(process.execPath, [path.join(root, "scripts/build-workers.mjs")], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  return true;
}

/** Applies the migrations to the database at `url` (the app's own env when omitted). */
export function migrate(root: string, url = process.env.DATABASE_URL): void {
  execFileSync(process.execPath, [path.join(root, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url },
    stdio: "pipe",
  });
}
