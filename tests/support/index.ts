/**
 * The tests' support package, imported by one short path from any test file: `import { … } from "#test-support"`
 * (package.json "imports"). Everything the bench shares lives in harness/ (`#harness`) and is re-exported here.
 */
export * from "#harness";
export * from "./test-app.js";
