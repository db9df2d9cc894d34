/**
 * The status page served at /_strangler: one self-contained HTML document (inline CSS and JS, no build
 * step) that polls /_strangler/status every second and draws each route's flag, rollout and live split, the shadow
 * parity and diffs, and the route guard's verdict with the window it judges from. Every value taken from the status
 * JSON goes through esc() (a reason or a diff can carry anything a client or a service sent).
 */
export const STATUS_PAGE_HTML = /* html */ `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Strangler — migration status</title>
<style>
  :root { --bg:#f6f7f9; --card:#fff; --ink:#1d2330; --muted:#6b7385; --line:#e3e6ec;
          --mono:#7c8aa5; --svc:#1f9d6b; --err:#d64545; --warn:#d98b12; }
  * { box-sizing: border-box; }
  body { margin:0; font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif; background:var(--bg); color:var(--ink); }
  header { display:flex; align-items:baseline; gap:16px; padding:18px 28px; background:#1d2330; color:#fff; }
  header h1 { margin:0; font-size:20px; font-weight:600; letter-spacing:.2px; }
  header .sub { color:#aab3c5; font-size:13px; }
  header .right { margin-left:auto; font-size:12px; color:#aab3c5; }
  main { padding:22px 28px; max-width:1280px; }
  section { background:var(--card); border:1px solid var(--line); border-radius:10px; margin-bottom:20px; overflow:hidden; }
  section h2 { margin:0; padding:12px 16px; font-size:14px; font-weight:600; border-bottom:1px solid var(--line); display:flex; gap:10px; align-items:center; }
  table { width:100%; border-collapse:collapse; }
  th, td { text-align:left; padding:10px 16px; border-bottom:1px solid var(--line); vertical-align:middle; }
  th { font-size:11px; text-transform:uppercase; letter-spacing:.6px; color:var(--muted); font-weight:600; }
  tr:last-child td { border-bottom:none; }
  code { font:12px ui-monospace,SFMono-Regular,Menlo,monospace; background:#f0f2f6; padding:1px 5px; border-radius:4px; }
  .muted { color:var(--muted); font-size:12px; }
  .badge { display:inline-block; padding:2px 8px; border-radius:999px; font-size:12px; font-weight:600; }
  .on { background:#e3f6ee; color:#157a52; } .off { background:#eef0f4; color:#59627a; }
  .open { background:#fde8e8; color:#b42323; } .halfOpen { background:#fdf1dc; color:#9a5f06; } .closed { background:#e3f6ee; color:#157a52; }
  .dot { display:inline-block; width:9px; height:9px; border-radius:50%; margin-right:6px; background:#b9c0cf; }
  .dot.up { background:var(--svc); } .dot.down { background:var(--err); }
  .bar { position:relative; height:22px; min-width:240px; border-radius:6px; background:#eef0f4; overflow:hidden; display:flex; }
  .bar .m { background:var(--mono); } .bar .s { background:var(--svc); }
  .bar span { display:block; height:100%; transition:width .4s ease; }
  .bar .label { position:absolute; inset:0; display:flex; justify-content:space-between; align-items:center; padding:0 8px; color:#fff; font-size:12px; font-weight:600; text-shadow:0 1px 1px rgba(0,0,0,.25); }
  .bar .label.empty { color:var(--muted); text-shadow:none; font-weight:500; }
  .target { height:6px; border-radius:3px; background:#eef0f4; margin-top:6px; overflow:hidden; }
  .target span { display:block; height:100%; background:#9fd8c0; transition:width .4s ease; }
  .legend { display:flex; gap:14px; font-size:12px; color:var(--muted); padding:10px 16px; border-top:1px solid var(--line); }
  .legend i { display:inline-block; width:10px; height:10px; border-radius:2px; margin-right:5px; vertical-align:-1px; }
  svg.spark { display:block; }
  .err { color:var(--err); }
  .diff { font-size:12px; padding:6px 16px; border-top:1px solid var(--line); }
  .watching { background:#e3f6ee; color:#157a52; } .tripped { background:#fde8e8; color:#b42323; }
  #banner { display:none; padding:10px 28px; background:#fde8e8; color:#b42323; font-weight:600; }
</style>
</head>
<body>
<header><h1>Strangler</h1><span class="sub">live migration status</span><span class="right" id="updated">connecting…</span></header>
<div id="banner">Status endpoint unreachable — retrying every second.</div>
<main>
  <section><h2>Routes <span class="muted" id="flags"></span></h2>
    <table><thead><tr><th>Route</th><th>Flag</th><th>Rollout</th><th>Live split · last 60 s</th><th>Last 60 s</th><th>Req/s</th><th>Service</th></tr></thead>
    <tbody id="routes"><tr><td colspan="7" class="muted">loading…</td></tr></tbody></table>
    <div class="legend"><span><i style="background:var(--mono)"></i>monolith</span><span><i style="background:var(--svc)"></i>extracted service</span><span><i style="background:#9fd8c0"></i>rollout target</span><span id="unlisted"></span></div>
  </section>
  <section><h2>Shadow traffic <span class="muted">reads the monolith answered, mirrored to the service and compared</span></h2>
    <table><thead><tr><th>Route</th><th>Shadow</th><th>Parity</th><th>Compared</th><th>Mismatched</th><th>Dropped</th><th>Noise fields</th></tr></thead>
    <tbody id="shadow"></tbody></table>
    <div id="diffs"></div>
  </section>
  <section><h2>Route guard <span class="muted">the service against the monolith on the same route, over the guard's window</span></h2>
    <table><thead><tr><th>Route</th><th>Guard</th><th>Reason</th><th>Service · n / 5xx / p99</th><th>Monolith · n / 5xx / p99</th></tr></thead>
    <tbody id="guard"></tbody></table>
  </section>
  <section><h2>Upstreams</h2>
    <table><thead><tr><th>Upstream</th><th>URL</th><th>Health</th><th>Breaker</th><th>In flight / limit</th><th>Timeout</th></tr></thead>
    <tbody id="upstreams"></tbody></table>
  </section>
</main>
<script>
const esc = (v) => String(v ?? "").replace(/[&<>"']/g, (c) => ({ "&":"&amp;", "<":"&lt;", ">":"&gt;", '"':"&quot;", "'":"&#39;" })[c]);
const pct = (x) => (x === null || x === undefined ? "–" : (Math.round(x * 1000) / 10) + "%");
const health = (h) => h === null ? '<span class="dot"></span>unknown' : h ? '<span class="dot up"></span>healthy' : '<span class="dot down"></span>down';
const breaker = (b) => b === "none" ? '<span class="muted">–</span>' : '<span class="badge ' + esc(b) + '">' + (b === "halfOpen" ? "half-open" : esc(b)) + "</span>";
function spark(perSecond) {
  // one column per second: height = requests (scaled to the busiest second), green = answered by the service
  const w = 180, h = 30, bw = w / perSecond.length, max = Math.max(1, ...perSecond.map((p) => p[1] + p[2]));
  let bars = "";
  perSecond.forEach((p, i) => {
    const total = p[1] + p[2];
    if (!total) return;
    const th = Math.max(2, total / max * (h - 2)), sh = th * p[2] / total, x = (i * bw).toFixed(1), bwid = Math.max(1, bw - 0.6).toFixed(1);
    bars += '<rect x="' + x + '" y="' + (h - th).toFixed(1) + '" width="' + bwid + '" height="' + (th - sh).toFixed(1) + '" fill="#7c8aa5"/>';
    if (sh > 0) bars += '<rect x="' + x + '" y="' + (h - sh).toFixed(1) + '" width="' + bwid + '" height="' + sh.toFixed(1) + '" fill="#1f9d6b"/>';
  });
  return '<svg class="spark" width="' + w + '" height="' + h + '" viewBox="0 0 ' + w + " " + h + '"><rect width="' + w + '" height="' + h + '" rx="4" fill="#f3f5f8"/>' + bars + "</svg>";
}
function routeRow(r) {
  const t = r.traffic.lastMinute, share = t.serviceShare, total = t.total;
  const mono = total ? t.monolith / total * 100 : 0, svc = total ? t.service / total * 100 : 0;
  const rate = r.traffic.perSecond.slice(-11, -1).reduce((a, p) => a + p[1] + p[2], 0) / 10;
  const state = !r.flagExists ? '<span class="badge off">missing</span>' : r.enabled ? '<span class="badge on">on</span>' : '<span class="badge off">off</span>';
  const target = r.enabled && r.rollout !== null ? r.rollout : 0;
  return "<tr>" +
    "<td><code>" + esc(r.prefix) + "</code><div class='muted'>" + esc(r.module) + "</div></td>" +
    "<td><code>" + esc(r.flag) + "</code> " + state + (r.customStrategy ? " <span class='badge halfOpen'>custom</span>" : "") + "</td>" +
    "<td><b>" + (r.enabled ? (r.rollout === null ? "custom" : r.rollout + "%") : "0%") + "</b><div class='target'><span style='width:" + target + "%'></span></div></td>" +
    "<td><div class='bar'><span class='m' style='width:" + mono + "%'></span><span class='s' style='width:" + svc + "%'></span>" +
      "<div class='label" + (total ? "" : " empty") + "'><span>" + (total ? "monolith " + pct(1 - share) : "no traffic") + "</span><span>" + (total ? "service " + pct(share) : "") + "</span></div></div>" +
      "<div class='muted'>" + t.monolith + " monolith · " + t.service + " service" + (t.errors ? " · <span class='err'>" + t.errors + " errors</span>" : "") + "</div></td>" +
    "<td>" + spark(r.traffic.perSecond) + "</td>" +
    "<td>" + rate.toFixed(1) + "</td>" +
    "<td>" + health(r.healthy) + "<div>" + breaker(r.breaker) + "</div></td></tr>";
}
function shadowRow(r) {
  const s = r.shadow;
  return "<tr><td><code>" + esc(r.prefix) + "</code></td><td>" + (s.percent ? s.percent + "%" : "<span class='muted'>off</span>") + "</td>" +
    "<td><b" + (s.parity !== null && s.parity < 100 ? " class='err'" : "") + ">" + (s.parity === null ? "–" : s.parity + "%") + "</b></td>" +
    "<td>" + s.compared + "</td><td>" + s.mismatched + (s.errors ? " <span class='muted'>(" + s.errors + " failed)</span>" : "") + "</td><td>" + s.dropped + "</td>" +
    "<td class='muted'>" + s.noiseFields.map(esc).join(" ") + "</td></tr>";
}
function diffBlock(r) {
  return r.shadow.samples.slice(0, 5).map((m) => "<div class='diff'><b>" + esc(m.method) + " <code>" + esc(m.path) + "</code></b> monolith " + m.monolithStatus + " · service " + (m.serviceStatus ?? "no answer") + ": " +
    m.diff.map((d) => "<code>" + esc(d.path) + "</code> " + esc(JSON.stringify(d.monolith)) + " → <span class='err'>" + esc(JSON.stringify(d.service)) + "</span>").join("; ") + "</div>").join("");
}
// One side of the guard's window: answers, 5xx rate, p99 (the upper bound of its latency bucket); "–" while empty.
function windowCell(w) {
  return w.n + " / " + (w.errorRate === null ? "–" : esc(pct(w.errorRate))) + " / " + (w.p99Ms === null ? "–" : esc(w.p99Ms) + " ms");
}
function guardRow(r) {
  const g = r.guard;
  const reason = g.state === "tripped"
    ? esc(g.reason) + "<div class='muted'>tripped at " + esc(g.trippedAt) + (g.converged ? " · flag at 0 %" : " · flag not yet read back at 0 %") + " · window restarted at the trip</div>"
    : g.reason ? "<span class='muted'>last trip " + esc(g.trippedAt) + ": " + esc(g.reason) + "</span>" : "<span class='muted'>–</span>";
  return "<tr><td><code>" + esc(r.prefix) + "</code></td><td><span class='badge " + esc(g.state) + "'>" + esc(g.state) + "</span></td>" +
    "<td>" + reason + "</td><td>" + windowCell(g.window.service) + "</td><td>" + windowCell(g.window.monolith) + "</td></tr>";
}
function upstreamRow(u) {
  const load = Math.min(100, u.inFlight / u.maxConcurrent * 100);
  return "<tr><td><b>" + esc(u.name) + "</b></td><td><code>" + esc(u.url) + "</code></td>" +
    "<td>" + health(u.healthy) + (u.healthError ? "<div class='muted'>" + esc(u.healthError) + "</div>" : "") + "</td>" +
    "<td>" + breaker(u.breaker) + "</td>" +
    "<td>" + u.inFlight + " / " + u.maxConcurrent + "<div class='target'><span style='width:" + load + "%;background:" + (load > 80 ? "#e7a3a3" : "#b7c3d9") + "'></span></div></td>" +
    "<td>" + u.timeoutMs + " ms</td></tr>";
}
async function refresh() {
  try {
    const res = await fetch("/_strangler/status", { cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    const s = await res.json();
    document.getElementById("banner").style.display = "none";
    document.getElementById("routes").innerHTML = s.routes.map(routeRow).join("") || "<tr><td colspan='7' class='muted'>no routes</td></tr>";
    document.getElementById("upstreams").innerHTML = s.upstreams.map(upstreamRow).join("");
    const shadowed = s.routes.filter((r) => r.shadow);
    document.getElementById("shadow").innerHTML = shadowed.map(shadowRow).join("");
    document.getElementById("diffs").innerHTML = shadowed.map(diffBlock).join("");
    document.getElementById("guard").innerHTML = s.routes.filter((r) => r.guard).map(guardRow).join("");
    const f = s.flags;
    document.getElementById("flags").innerHTML = "flags: " + esc(f.mode) + " <code>" + esc(f.source) + "</code> " +
      (f.ready ? '<span class="badge on">loaded</span>' : '<span class="badge open">not loaded — all to monolith</span>') +
      (f.lastError ? ' <span class="err">last error ' + esc(f.lastErrorAt) + ": " + esc(f.lastError) + "</span>" : "");
    const u = s.unlisted.traffic.lastMinute;
    document.getElementById("unlisted").textContent = "other paths → monolith: " + u.total + " in the last minute";
    document.getElementById("updated").textContent = "updated " + new Date(s.generatedAt).toLocaleTimeString();
  } catch (e) {
    document.getElementById("banner").style.display = "block";
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
