import { writeFileSync } from "node:fs";
import { chromium } from "playwright-core";
import type { ChartBar } from "./bench-types.js";

const COLORS = ["#4c78a8", "#f58518", "#54a24b", "#b279a2", "#e45756", "#72b7b2"];
const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");

/** One panel: a title and horizontal bars scaled to the group's largest value. */
function panel(group: string, bars: ChartBar[]): string {
  const width = 560;
  const labelW = 210;
  const rowH = 30;
  const max = Math.max(...bars.map((b) => b.value), 1e-9);
  const rows = bars
    .map((b, i) => {
      const w = Math.max(2, ((width - labelW - 110) * b.value) / max);
      const y = 34 + i * rowH;
      return `<text x="${labelW - 8}" y="${y + 15}" text-anchor="end" class="label">${esc(b.label)}</text>
        <rect x="${labelW}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" rx="3" fill="${COLORS[i % COLORS.length]}"/>
        <text x="${labelW + w + 6}" y="${y + 15}" class="value">${b.value.toLocaleString("en-US")} ${esc(b.unit)}</text>`;
    })
    .join("\n");
  const height = 44 + bars.length * rowH;
  return `<svg width="${width}" height="${height}" xmlns="http://www.w3.org/2000/svg"><text x="8" y="20" class="title">${esc(group)}</text>${rows}</svg>`;
}

/** The chart as a standalone HTML page (SVG panels, two columns). */
export function renderChartHtml(title: string, subtitle: string, bars: ChartBar[]): string {
  const groups = new Map<string, ChartBar[]>();
  for (const b of bars) groups.set(b.group, [...(groups.get(b.group) ?? []), b]);
  const panels = [...groups].map(([g, bs]) => `<div class="panel">${panel(g, bs)}</div>`).join("\n");
  return `<!doctype html><html><head><meta charset="utf-8"><style>
    body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 16px; background: #fff; color: #222; width: 1180px; }
    h1 { font-size: 20px; margin: 0 0 4px; } p { font-size: 13px; color: #555; margin: 0 0 12px; }
    .grid { display: flex; flex-wrap: wrap; gap: 12px; } .panel { border: 1px solid #ddd; border-radius: 6px; padding: 6px; }
    .title { font-size: 14px; font-weight: bold; } .label { font-size: 12.5px; } .value { font-size: 12.5px; fill: #333; }
  </style></head><body><div id="chart"><h1>${esc(title)}</h1><p>${esc(subtitle)}</p><div class="grid">${panels}</div></div></body></html>`;
}

/** Renders the HTML in headless Chromium (Debian's /usr/bin/chromium) and screenshots the chart to `pngFile`. */
export async function renderChartPng(html: string, htmlFile: string, pngFile: string): Promise<void> {
  writeFileSync(htmlFile, html);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1220, height: 800 }, deviceScaleFactor: 1.5 });
    await page.setContent(html, { waitUntil: "load" });
    await page.locator("#chart").screenshot({ path: pngFile });
  } finally {
    await browser.close();
  }
}
