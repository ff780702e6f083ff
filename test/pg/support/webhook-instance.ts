/**
 * One app instance for the multi-instance test: the real webhook route actions behind a plain HTTP
 * server on loopback, with the instance's own in-process queue worker (started by the webhook receiver,
 * as in `npm start`). Started by test/pg/storm.test.ts as a separate Node process; DATABASE_URL and the
 * Shopify settings come from the environment. Prints `ready <port>` when listening.
 */
import http from "node:http";
import db from "~/db.server";
import { ROUTES, type Topic } from "../../sync/webhooks/support";
import { callAction } from "../../support/webhooks";

const server = http.createServer(async (req, res) => {
  try {
    const topic = (req.url ?? "").replace(/^\/webhooks\//, "") as Topic;
    const route = ROUTES[topic];
    if (!route) {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    const request = new Request(`https://margin-ltv.test${req.url}`, { method: req.method, headers, body: Buffer.concat(chunks) });
    const response = await callAction(route, request);
    res.writeHead(response.status).end(await response.text());
  } catch (error) {
    res.writeHead(500).end(String(error));
  }
});

server.listen(0, "127.0.0.1", () => {
  const address = server.address();
  process.stdout.write(`ready ${typeof address === "object" && address ? address.port : 0}\n`);
});

process.once("SIGTERM", () => {
  server.close();
  // The worker finishes the jobs in hand, then the pool closes; a stuck shutdown still ends.
  setTimeout(() => process.exit(1), 10_000).unref();
  void (async () => {
    await globalThis.__marginLtvWorker?.stop();
    await db.$disconnect();
    process.exit(0);
  })();
});
