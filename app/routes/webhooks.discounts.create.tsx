import type { ActionFunctionArgs } from "@remix-run/node";
import { handleDiscountChange } from "~/webhooks/handlers.server";
import { receiveWebhook } from "~/webhooks/receive.server";

export const action = ({ request }: ActionFunctionArgs) => receiveWebhook(request, handleDiscountChange);
