import { DEFAULT_PORTS } from "../platform/config/default-endpoints.js";
import { INVENTORY_CONSUMER_GROUP } from "../modules/inventory/index.js";
import { ORDERS_CONSUMER_GROUP } from "../modules/orders/index.js";
import { describeOutbox } from "../platform/outbox/outbox.js";
import { startRoleMetrics } from "../platform/observability/role-metrics.js";
import { startServer, type RunningServer } from "../platform/server/start-server.js";
import type { Runtime } from "./runtime.js";
import { ensureTopics } from "./runtime.js";
import { createModulesApp, serveModules } from "./serve.js";
import { wireModules, type Modules } from "./wire-modules.js";

export { DEFAULT_PORTS };
export type ModuleName = "users" | "inventory" | "orders";
export const MODULE_NAMES: readonly ModuleName[] = ["users", "inventory", "orders"];

/** A started role: its servers and how to stop it (servers first, then messaging). */
export interface StartedRole {
  readonly servers: Record<string, RunningServer>;
  readonly modules: Modules;
  /** Every server answers with `Connection: close` from now on (see RunningServer.drain). */
  drain(): void;
  stop(timeoutMs: number): Promise<void>;
}

/**
 * Starts this role's outbox relays and consumers. With Kafka it does not wait for the broker: the role serves at
 * once (orders are accepted, their events wait in the outbox) and retries with backoff until the broker answers,
 * so a pod that restarts during a broker outage comes up instead of crash-looping. `awaitBroker` (in-process tests)
 * starts them before returning instead, and fails if the broker does not answer.
 */
async function startMessaging(rt: Runtime, modules: Modules, which: ModuleName[], awaitBroker = false): Promise<() => Promise<void>> {
  const producing = which.filter((m): m is "inventory" | "orders" => m !== "users");
  if (!producing.length) return async () => {};
  for (const m of producing) rt.details.push({ name: `outbox.${m}`, describe: () => describeOutbox(rt.db.prisma, m) });
  const consumerGroups = producing.map((m) => (m === "orders" ? ORDERS_CONSUMER_GROUP : INVENTORY_CONSUMER_GROUP));
  const metrics = startRoleMetrics({ ...rt, prisma: rt.db.prisma, modules: producing, consumerGroups }); // GET /metrics
  const stopAll = async () => {
    for (const m of producing) await modules[m].stopMessaging();
  };
  const start = async () => {
    // Every event topic, not only this role's own: an extracted service subscribes to topics the other module
    // publishes, and may start first on a fresh cluster (kafkajs cannot subscribe to a topic that does not exist).
    await ensureTopics(rt, [...modules.orders.topics, ...modules.inventory.topics]);
    for (const m of producing) await modules[m].startMessaging(rt.transport);
  };
  if (rt.transport.kind !== "kafka" || awaitBroker) {
    await start();
    return async () => (await stopAll(), await metrics.stop());
  }
  let stopped = false;
  void (async () => {
    for (let delayMs = 1_000; !stopped; delayMs = Math.min(delayMs * 2, 30_000)) {
      try {
        await start();
        if (stopped) await stopAll();
        else if (delayMs > 1_000) rt.logger.info("kafka reachable: outbox relays and consumers started");
        return;
      } catch (e) {
        if (stopped) return;
        rt.logger.warn("kafka unreachable: serving anyway (events wait in the outbox); retrying relays and consumers", {
          error: e instanceof Error ? e.message : String(e),
          retryInMs: delayMs,
        });
        await stopAll().catch(() => undefined); // a relay started before the consumer failed: start afresh
        await new Promise((resolve) => setTimeout(resolve, delayMs).unref());
      }
    }
  })();
  return async () => {
    stopped = true;
    await stopAll();
    await metrics.stop();
  };
}

function startedRole(servers: Record<string, RunningServer>, modules: Modules, stopMessaging: () => Promise<void>): StartedRole {
  return {
    servers,
    modules,
    drain: () => Object.values(servers).forEach((s) => s.drain()),
    async stop(timeoutMs: number) {
      await Promise.all(Object.values(servers).map((s) => s.close(timeoutMs)));
      await stopMessaging();
    },
  };
}

/**
 * The `monolith` role's wiring without a listening server: all three modules, their relays/consumers started, and
 * the app that serves them. startMonolith serves it; the component tests drive it in-process (supertest).
 */
export async function wireMonolith(rt: Runtime, options: { awaitBroker?: boolean } = {}) {
  const modules = wireModules(rt);
  const stopMessaging = await startMessaging(rt, modules, ["orders", "inventory"], options.awaitBroker);
  const app = createModulesApp(rt, "monolith", [modules.users, modules.inventory, modules.orders]);
  return { modules, app, stopMessaging };
}

/** `monolith`: all three modules in one process on one port; runs the orders and inventory relays/consumers. */
export async function startMonolith(rt: Runtime, port: number = rt.config.port ?? DEFAULT_PORTS.monolith): Promise<StartedRole> {
  const { modules, app, stopMessaging } = await wireMonolith(rt);
  const monolith = await startServer(app, { port, host: rt.config.host, logger: rt.logger, name: "monolith" });
  return startedRole({ monolith }, modules, stopMessaging);
}

/**
 * `service <module>`: the very same module code, wired alone. Its consumers join the module's one consumer
 * group, so with Kafka an event is handled once whether the monolith, the service, or both are running.
 * Without Kafka, events stay with the monolith process (an in-process bus is not shared between processes).
 */
export async function startService(rt: Runtime, name: ModuleName, port: number = rt.config.port ?? DEFAULT_PORTS[name]): Promise<StartedRole> {
  const modules = wireModules(rt);
  let stopMessaging = async () => {};
  if (rt.transport.kind === "kafka") stopMessaging = await startMessaging(rt, modules, [name]);
  else if (name !== "users") rt.logger.warn(`service ${name}: no KAFKA_BROKERS, so this process does not relay or consume events (the monolith does)`);
  const server = await serveModules(rt, { name: `service ${name}`, port, modules: [modules[name]] });
  return startedRole({ [name]: server }, modules, stopMessaging);
}

/**
 * `all`: the monolith (8080) and the extracted users, inventory and orders services (8081–8083) in one process —
 * one module instance each, mounted on both servers — so the embedded database is opened once, and every route
 * the proxy knows has a service that answers (no upstream the proxy polls in vain).
 */
export async function startAll(rt: Runtime): Promise<StartedRole> {
  const modules = wireModules(rt);
  const stopMessaging = await startMessaging(rt, modules, ["orders", "inventory"]);
  const servers = {
    monolith: await serveModules(rt, { name: "monolith", port: DEFAULT_PORTS.monolith, modules: [modules.users, modules.inventory, modules.orders] }),
    users: await serveModules(rt, { name: "service users", port: DEFAULT_PORTS.users, modules: [modules.users] }),
    inventory: await serveModules(rt, { name: "service inventory", port: DEFAULT_PORTS.inventory, modules: [modules.inventory] }),
    orders: await serveModules(rt, { name: "service orders", port: DEFAULT_PORTS.orders, modules: [modules.orders] }),
  };
  return startedRole(servers, modules, stopMessaging);
}
