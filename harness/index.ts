/**
 * What the tests and the bench share (`import … from "#harness"`): the one launcher (startProcess), ports, waiting,
 * the clean environment, service scripts, Unleash settings and flags, databases, Kafka, stacks of real processes.
 * Test-only helpers (the in-process app) live in tests/support (`#test-support`, which re-exports this).
 */
export * from "./env.js";
export * from "./event-state.js";
export * from "./fixtures.js";
export * from "./kafka.js";
export * from "./local-services.js";
export * from "./ports.js";
export * from "./processes.js";
export * from "./route-flags.js";
export * from "./strangler-stack.js";
export * from "./test-db.js";
export * from "./unleash.js";
export * from "./wait.js";
