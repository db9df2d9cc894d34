/** Module boundaries (STYLE.md), enforced in CI: `npm run lint:boundaries`. */
const MODULES = "^src/modules/([^/]+)/";
module.exports = {
  forbidden: [
    {
      name: "module-public-api-only",
      comment: "Another module may be reached only through its index.ts or its contracts/",
      severity: "error",
      from: { path: MODULES },
      to: { path: "^src/modules/([^/]+)/", pathNot: ["^src/modules/$1/", "^src/modules/[^/]+/(index\\.ts|contracts/)"] },
    },
    {
      name: "outside-to-module-public-api-only",
      comment: "Code outside src/modules reaches a module only through its index.ts",
      severity: "error",
      from: { path: "^(src|proxy|tests)/", pathNot: ["^src/modules/", "^tests/"] },
      to: { path: "^src/modules/[^/]+/", pathNot: "^src/modules/[^/]+/index\\.ts$" },
    },
    {
      name: "platform-not-to-modules",
      comment: "The shared kernel never depends on a module",
      severity: "error",
      from: { path: "^src/platform/" },
      to: { path: "^src/modules/" },
    },
    {
      name: "proxy-not-to-modules",
      comment: "The proxy only knows upstream URLs, never module code",
      severity: "error",
      from: { path: "^proxy/" },
      to: { path: "^src/(modules|roles)/" },
    },
    {
      name: "prisma-only-in-data-access-and-platform",
      comment: "Prisma (client, generated code, adapters) only in data-access/ and src/platform/",
      severity: "error",
      from: { path: "^src/", pathNot: ["/data-access/", "^src/platform/", "^src/generated/", "/test/"] },
      to: { path: ["^src/generated/", "node_modules/(@prisma|prisma|pglite-prisma-adapter)/"] },
    },
    {
      name: "fakes-only-in-tests",
      comment: "In-memory fakes of the storage ports (domain/fake-*.ts) are test code: only tests (and other fakes) import them",
      severity: "error",
      from: { path: "^(src|proxy)/", pathNot: ["\\.test\\.ts$", "/test/", "/fake-[^/]+\\.ts$"] },
      to: { path: "/fake-[^/]+\\.ts$" },
    },
    {
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: ["node_modules", "^src/generated/"] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".js"] },
  },
};
