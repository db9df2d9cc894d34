/**
 * The one table of default ports and URLs: every role listens on its port here unless PORT says otherwise, and
 * the proxy routes to these URLs unless MONOLITH_URL / `<MODULE>_SERVICE_URL` (or a route's `url` in the routes
 * file) say otherwise. proxy/routes.yaml carries no URLs of its own: they come from here.
 */
export const DEFAULT_PORTS = { proxy: 8000, proxyAdmin: 9000, monolith: 8080, users: 8081, inventory: 8082, orders: 8083 } as const;

/** Where the roles of `strangler all` (one machine) answer. */
const LOCAL_HOST = "127.0.0.1";

export const DEFAULT_MONOLITH_URL = `http://${LOCAL_HOST}:${DEFAULT_PORTS.monolith}`;

/** The extracted services' default URLs, by module name. */
export const DEFAULT_SERVICE_URLS: Readonly<Record<string, string>> = Object.freeze({
  users: `http://${LOCAL_HOST}:${DEFAULT_PORTS.users}`,
  inventory: `http://${LOCAL_HOST}:${DEFAULT_PORTS.inventory}`,
  orders: `http://${LOCAL_HOST}:${DEFAULT_PORTS.orders}`,
});
