import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOrderDelete } from "~/webhooks/handlers.server";
import { receiveWebhook } from "~/webhooks/receive.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleOrderDelete);
