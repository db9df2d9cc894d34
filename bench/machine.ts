import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { ROOT } from "#harness";

/** stdout + stderr of a version command (nginx -v writes to stderr), or "?". */
const tryRun = (cmd: string, args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 10_000, env: { ...process.env, PGPASSWORD: "strangler" } });
  return `${r.stdout ?? ""}${r.stderr ?? ""}`.trim() || "?";
};

const firstMatch = (text: string, re: RegExp) => re.exec(text)?.[1] ?? "?";

/** The machine and the versions a figure was measured with (the table's header). */
export function describeMachine() {
  const kafkaJar = (() => {
    try {
      return readdirSync(path.join(ROOT, ".tools/kafka/libs")).find((f) => /^kafka_2\.\d+-[\d.]+\.jar$/.test(f)) ?? "?";
    } catch {
      return "?";
    }
  })();
  const unleash = (() => {
    try {
      return JSON.parse(readFileSync(path.join(ROOT, "scripts/services/unleash/package.json"), "utf8")).dependencies["unleash-server"];
    } catch {
      return "?";
    }
  })();
  return {
    cpus: os.cpus().length,
    nproc: tryRun("nproc", []),
    cpuModel: os.cpus()[0]?.model ?? "?",
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    nginx: firstMatch(tryRun("nginx", ["-v"]), /nginx\/(\S+)/),
    wrk: firstMatch(tryRun("wrk", ["-v"]), /wrk (\S+)/),
    kafka: firstMatch(kafkaJar, /kafka_[\d.]+-([\d.]+)\.jar/),
    postgres: firstMatch(tryRun("psql", ["-h", "127.0.0.1", "-U", "strangler", "-d", "postgres", "-Atc", "SHOW server_version"]), /^(\S+)/),
    unleash,
    loadBefore: os.loadavg(),
  };
}

export type Machine = ReturnType<typeof describeMachine>;

export const loadavg = () => os.loadavg().map((l) => l.toFixed(2)).join(" / ");
