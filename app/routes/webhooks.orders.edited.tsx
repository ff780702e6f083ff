import type { ActionFunctionArgs } from "@remix-run/node";
import { handleOrderEdited } from "~/webhooks/handlers.server";
import { receiveWebhook } from "~/webhooks/receive.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleOrderEdited);
