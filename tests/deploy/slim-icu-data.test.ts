import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { after, describe, it } from "node:test";
import { ROOT } from "./support/deploy-tools.js";

// scripts/slim-icu-data.mjs (the image build, scripts/build.sh slim_native): an ICU common data package in, the
// same package without the items PostgreSQL never opens out. Checked on a package built here in ICU's layout.

const dir = mkdtempSync(path.join(os.tmpdir(), "strangler-icu-"));
after(() => rmSync(dir, { recursive: true, force: true }));
const align = (n: number) => (n + 15) & ~15;

/** ICU's package layout: a data header ("CmnD", little-endian), TOC {count, {nameOffset, dataOffset}…}, names, items. */
function pack(items: [string, Buffer][]): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt16LE(32, 0);
  header[2] = 0xda;
  header[3] = 0x27;
  header.writeUInt16LE(20, 4);
  header.write("CmnD", 12, "latin1");
  const names = Buffer.concat(items.map(([n]) => Buffer.from(`${n}\0`, "latin1")));
  const toc = Buffer.alloc(align(4 + 8 * items.length + names.length));
  toc.writeUInt32LE(items.length, 0);
  names.copy(toc, 4 + 8 * items.length);
  let nameAt = 4 + 8 * items.length;
  let dataAt = toc.length;
  const bodies = items.map(([n, data], i) => {
    toc.writeUInt32LE(nameAt, 4 + 8 * i);
    toc.writeUInt32LE(dataAt, 8 + 8 * i);
    nameAt += n.length + 1;
    const body = Buffer.alloc(align(data.length));
    data.copy(body);
    dataAt += body.length;
    return body;
  });
  return Buffer.concat([header, toc, ...bodies]);
}

function unpack(buf: Buffer): Map<string, { offset: number; data: Buffer }> {
  const toc = buf.readUInt16LE(0);
  const count = buf.readUInt32LE(toc);
  const out = new Map<string, { offset: number; data: Buffer }>();
  for (let i = 0; i < count; i++) {
    const nameAt = toc + buf.readUInt32LE(toc + 4 + 8 * i);
    const offset = buf.readUInt32LE(toc + 8 + 8 * i);
    const end = i + 1 < count ? buf.readUInt32LE(toc + 8 + 8 * (i + 1)) : buf.length - toc;
    out.set(buf.toString("latin1", nameAt, buf.indexOf(0, nameAt)), { offset, data: buf.subarray(toc + offset, toc + end) });
  }
  return out;
}

const slim = (input: Buffer) => {
  const [src, dst] = [path.join(dir, "in.dat"), path.join(dir, "out.dat")];
  writeFileSync(src, input);
  const r = spawnSync(process.execPath, [path.join(ROOT, "scripts/slim-icu-data.mjs"), src, dst], { encoding: "utf8" });
  return { ...r, out: r.status === 0 ? readFileSync(dst) : undefined };
};

describe("scripts/slim-icu-data.mjs", () => {
  it("keeps collation, locale and name data byte for byte, aligned and in order; drops converters, break iterators, zone/currency/unit names", () => {
    const item = (n: number) => Buffer.alloc(n, n % 251);
    const input = pack([
      ["icudt60l/brkitr/word.brk", item(40)],
      ["icudt60l/cnvalias.icu", item(17)],
      ["icudt60l/coll/de.res", item(33)],
      ["icudt60l/coll/root.res", item(100)],
      ["icudt60l/curr/de.res", item(9)],
      ["icudt60l/gb18030.cnv", item(70)],
      ["icudt60l/lang/de.res", item(21)],
      ["icudt60l/region/de.res", item(5)],
      ["icudt60l/root.res", item(12)],
      ["icudt60l/translit/Any_Latin.res", item(8)],
      ["icudt60l/unames.icu", item(64)],
      ["icudt60l/unit/de.res", item(7)],
      ["icudt60l/zone/de.res", item(11)],
    ]);
    const { status, stderr, out } = slim(input);
    assert.equal(status, 0, stderr);
    assert.deepEqual(out!.subarray(0, 32), input.subarray(0, 32), "the data header is kept");
    const before = unpack(input);
    const after = unpack(out!);
    const kept = ["icudt60l/cnvalias.icu", "icudt60l/coll/de.res", "icudt60l/coll/root.res", "icudt60l/lang/de.res", "icudt60l/region/de.res", "icudt60l/root.res"];
    assert.deepEqual([...after.keys()], kept, "sorted as ICU's binary search needs");
    for (const [name, { offset, data }] of after) {
      assert.equal((out!.readUInt16LE(0) + offset) % 16, 0, `${name} is 16-byte aligned`);
      assert.deepEqual(data.subarray(0, before.get(name)!.data.length), before.get(name)!.data, `${name} unchanged`);
    }
    assert.ok(out!.length < input.length);
  });

  it("refuses what is not a little-endian ICU package", () => {
    const notIcu = slim(Buffer.alloc(64));
    assert.notEqual(notIcu.status, 0);
    assert.match(notIcu.stderr, /not a little-endian ICU common data package/);
  });
});
