#!/usr/bin/env node
// node scripts/slim-icu-data.mjs IN.dat OUT.dat
// Rewrites an ICU common data package (the blob inside libicudata.so) without the items PostgreSQL never opens:
// it uses ICU for collations (coll/, and lang/ + region/ for the names initdb gives them) and, only for a database
// encoding other than UTF-8, for conversion. Dropped: charset conversion tables (*.cnv; embedded databases are
// UTF-8), break iterators, time zone/currency/unit names, transliterators, number spell-out rules, character names.
// Package layout (ICU ucmndata.h): data header, then a TOC {count, entries {nameOffset, dataOffset}} whose offsets
// count from the TOC, the names, then the items, each 16-byte aligned. Entries stay in their (sorted) order.
import { readFileSync, writeFileSync } from "node:fs";

const DROP = [/\.cnv$/, /^(brkitr|zone|curr|unit|translit|rbnf)\//, /^unames\.icu$/];
const [input, output] = process.argv.slice(2);
if (!input || !output) throw new Error("usage: slim-icu-data.mjs IN.dat OUT.dat");
const src = readFileSync(input);
const headerSize = src.readUInt16LE(0);
if (src[2] !== 0xda || src[3] !== 0x27 || src.toString("latin1", 12, 16) !== "CmnD" || src[8] !== 0) throw new Error(`${input}: not a little-endian ICU common data package`);
const toc = headerSize;
const count = src.readUInt32LE(toc);
const items = [];
for (let i = 0; i < count; i++) {
  const nameOffset = src.readUInt32LE(toc + 4 + 8 * i);
  const dataOffset = src.readUInt32LE(toc + 8 + 8 * i);
  const end = i + 1 < count ? src.readUInt32LE(toc + 8 + 8 * (i + 1)) : src.length - toc;
  const name = src.toString("latin1", toc + nameOffset, src.indexOf(0, toc + nameOffset));
  items.push({ name, data: src.subarray(toc + dataOffset, toc + end) });
}
const pkg = items[0]?.name.split("/")[0];
const kept = items.filter((it) => !DROP.some((re) => re.test(it.name.slice(pkg.length + 1))));
const align = (n) => (n + 15) & ~15;
const names = Buffer.concat(kept.map((it) => Buffer.from(`${it.name}\0`, "latin1")));
let offset = align(4 + 8 * kept.length + names.length);
const entries = Buffer.alloc(4 + 8 * kept.length);
entries.writeUInt32LE(kept.length, 0);
let nameOffset = 4 + 8 * kept.length;
const body = [];
kept.forEach((it, i) => {
  entries.writeUInt32LE(nameOffset, 4 + 8 * i);
  entries.writeUInt32LE(offset, 8 + 8 * i);
  nameOffset += Buffer.byteLength(it.name, "latin1") + 1;
  const padded = Buffer.alloc(align(it.data.length));
  it.data.copy(padded);
  body.push(padded);
  offset += padded.length;
});
const tocBlock = Buffer.alloc(align(entries.length + names.length));
entries.copy(tocBlock);
names.copy(tocBlock, entries.length);
writeFileSync(output, Buffer.concat([src.subarray(0, headerSize), tocBlock, ...body]));
console.log(`${input}: ${kept.length}/${count} items, ${(src.length / 1e6).toFixed(1)} MB -> ${(offset / 1e6 + headerSize / 1e6).toFixed(1)} MB`);
