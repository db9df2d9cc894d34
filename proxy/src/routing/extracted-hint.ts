import { EXTRACTED_HEADER } from "../../../src/platform/http/extracted-modules.js";
import type { CompiledRoute } from "./route-table.js";

export { EXTRACTED_HEADER };

/**
 * Tells the upstream which modules this identity's requests go to the extracted service for, so a module that
 * calls another (orders → users, inventory) asks that module's service only when the proxy would send the user
 * there too, and uses the in-process module otherwise: with a route's flag off (or its breaker open) nothing in the
 * monolith depends on the extracted service. Set on every routed request; a client's own value never passes.
 * The request's own route is already decided (`routedToService`): its flag is not evaluated twice.
 * @example req.headers[EXTRACTED_HEADER] = hint(userId, route, wantsService) // "users,inventory", or "" for none
 */
export function createExtractedHint(
  routes: readonly CompiledRoute[],
  toService: (flag: string, userId: string) => boolean,
): (userId: string, route: CompiledRoute, routedToService: boolean) => string {
  const byModule = new Map<string, CompiledRoute>();
  for (const route of routes) if (!byModule.has(route.module)) byModule.set(route.module, route);
  const modules = [...byModule.values()];
  return (userId, own, routedToService) => {
    let hint = "";
    for (const route of modules) {
      const extracted = route.module === own.module ? routedToService : toService(route.flag, userId);
      if (extracted && route.service.allowsTraffic()) hint = hint === "" ? route.module : `${hint},${route.module}`;
    }
    return hint;
  };
}
