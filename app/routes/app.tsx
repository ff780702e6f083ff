import type { HeadersFunction, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { Link, Outlet, useLoaderData, useLocation, useRouteError } from "@remix-run/react";
import { NavMenu } from "@shopify/app-bridge-react";
import { Banner, Box, InlineStack, Text } from "@shopify/polaris";
import polarisStyles from "@shopify/polaris/build/esm/styles.css?url";
import { boundary } from "@shopify/shopify-app-remix/server";
import { AppProvider } from "@shopify/shopify-app-remix/react";
import { requireShop } from "~/auth/shop-context.server";
import { APP_PAGES } from "~/components/navigation";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: polarisStyles }];

export const loader = async ({ request, context }: LoaderFunctionArgs) => {
  const { shop, demo } = await requireShop(request, context);
  return { apiKey: process.env.SHOPIFY_API_KEY || "", demo, shop: shop.id };
};

/** Outside admin (the demo) there is no admin sidebar, so the pages get a plain link bar instead. */
function DemoNavigation() {
  const { pathname } = useLocation();
  return (
    <Box paddingInline="400" paddingBlockStart="300" background="bg-surface" borderBlockEndWidth="025" borderColor="border">
      <InlineStack gap="400" blockAlign="center">
        <Text as="span" variant="headingMd">
          Margin LTV
        </Text>
        {APP_PAGES.map((page) => (
          <Box key={page.href} paddingBlockEnd="300">
            <Link to={page.href} prefetch="intent" aria-current={pathname === page.href ? "page" : undefined}
              style={{ fontWeight: pathname === page.href ? 650 : 450, color: "inherit" }}>
              {page.label}
            </Link>
          </Box>
        ))}
      </InlineStack>
    </Box>
  );
}

export default function AppLayout() {
  const { apiKey, demo } = useLoaderData<typeof loader>();
  return (
    <AppProvider isEmbeddedApp={!demo} apiKey={apiKey}>
      {demo ? (
        <>
          <DemoNavigation />
          <Box padding="400" paddingBlockEnd="0">
            <Banner tone="info" title="Demo data">
              <p>
                You are looking at a generated demo store, served locally outside Shopify admin. Every figure is
                computed from its generated orders, exactly as it would be from a real store's.
              </p>
            </Banner>
          </Box>
        </>
      ) : (
        <NavMenu>
          {APP_PAGES.map((page, index) => (
            <Link key={page.href} to={page.href} rel={index === 0 ? "home" : undefined}>
              {page.label}
            </Link>
          ))}
        </NavMenu>
      )}
      <Outlet />
    </AppProvider>
  );
}

// Shopify needs Remix to catch some thrown responses, so that their headers are included.
export function ErrorBoundary() {
  return boundary.error(useRouteError());
}

export const headers: HeadersFunction = (headersArgs) => boundary.headers(headersArgs);
