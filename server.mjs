/**
 * The app's HTTP server: the Remix build behind Express, for `npm start` in production and for the
 * local demo. Express gives the loaders the connection's remote address, which the demo's loopback-only
 * check needs. In demo mode the server refuses to listen anywhere but on loopback.
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import compression from "compression";
import express from "express";

const root = path.dirname(fileURLToPath(import.meta.url));
const LOOPBACK = new Set(["127.0.0.1", "::1", "localhost"]);

/**
 * Webhook deliveries straight to their route's action: a POST to a resource route under /webhooks/
 * (an action, no page) is handed to `action({ request, params, context })` as Remix would, without
 * Remix's per-request route matching (it flattens and ranks every route on each request: ~12 % of the
 * server's CPU per delivery in the webhook benchmark) or compression of an empty answer. An action's
 * thrown Response is the answer; any other throw is a logged 500 (Shopify retries it).
 */
export function webhookFastPath(build, getLoadContext) {
  const actions = new Map();
  for (const route of Object.values(build.routes)) {
    if (route.parentId === "root" && route.path?.startsWith("webhooks/") && route.module.action && !route.module.default) {
      actions.set(`/${route.path}`, route.module.action);
    }
  }
  const handler = async (req, res, next) => {
    const action = actions.get(req.path);
    if (!action) return next();
    try {
      const chunks = [];
      for await (const chunk of req) chunks.push(chunk);
      const headers = new Headers();
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
      // The URL as Remix's Express adapter builds it.
      const host = req.get("X-Forwarded-Host") ?? req.get("host");
      const request = new Request(`${req.protocol}://${host}${req.originalUrl}`, { method: "POST", headers, body: Buffer.concat(chunks) });
      let response;
      try {
        response = await action({ request, params: {}, context: await getLoadContext(req, res) });
      } catch (thrown) {
        if (!(thrown instanceof Response)) throw thrown;
        response = thrown;
      }
      res.status(response.status);
      response.headers.forEach((value, name) => res.setHeader(name, value));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      console.error(JSON.stringify({ level: "error", event: "webhook.failed", at: new Date().toISOString(), path: req.path,
        error: error instanceof Error ? error.message : String(error) }));
      if (!res.headersSent) res.status(500).end();
    }
  };
  return { paths: [...actions.keys()], handler };
}

export async function startServer({ port = 3000, host = "0.0.0.0", demo = false } = {}) {
  if (demo && !LOOPBACK.has(host)) throw new Error(`The demo only listens on loopback, not on ${host}`);
  const build = await import(pathToFileURL(path.join(root, "build/server/index.js")).href);
  const getLoadContext = (req) => ({ demoServer: demo, remoteAddress: req.socket.remoteAddress });
  const app = express();
  app.disable("x-powered-by");
  const webhooks = webhookFastPath(build, getLoadContext);
  if (webhooks.paths.length) app.post(webhooks.paths, webhooks.handler);
  app.use(compression());
  app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
  app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
  app.all(
    "*",
    createRequestHandler({
      build,
      mode: process.env.NODE_ENV,
      getLoadContext,
    }),
  );
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host, () => resolve(server));
    server.on("error", reject);
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const port = Number(process.env.PORT || 3000);
  const demo = process.env.DEMO_MODE === "1";
  const host = demo ? "127.0.0.1" : process.env.HOST_BIND || "0.0.0.0";
  await startServer({ port, host, demo });
  console.log(`Margin LTV listening on http://${host}:${port}${demo ? " (demo mode, loopback only)" : ""}`);
}
