// Preload (NODE_OPTIONS="--import ./bench/cpu-prof-preload.mjs", CPU_PROF_DIR=…): `--cpu-prof` is not allowed in
// NODE_OPTIONS, so this starts V8's sampling profiler through the inspector and writes a .cpuprofile when the
// process exits: on 'exit' too, since the roles end with process.exit() after SIGTERM (no 'beforeExit' then);
// an in-thread inspector session answers synchronously, so the write still happens.
import { Session } from "node:inspector";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";

const dir = process.env.CPU_PROF_DIR ?? ".";
const session = new Session();
session.connect();
session.post("Profiler.enable");
session.post("Profiler.setSamplingInterval", { interval: 500 });
session.post("Profiler.start");
let written = false;
function writeProfile() {
  if (written) return;
  written = true;
  session.post("Profiler.stop", (err, result) => {
    if (err) return;
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `CPU.${Date.now()}.${process.pid}.cpuprofile`), JSON.stringify(result.profile));
  });
}
process.on("beforeExit", writeProfile);
process.on("exit", writeProfile);
