# syntax=docker/dockerfile:1
#
# Image for the vectorsink Airbyte destination, written to Airbyte's Java connector conventions.
# NOT BUILT OR RUN HERE: the development machines have no Docker engine. Build it where one runs, after
# `mvn package` has produced target/destination-vectorsink.jar and target/lib/:
#     docker build -t airbyte/destination-vectorsink:0.1.0 .
#
# Base: airbyte/java-connector-base 2.0.1 (Amazon Corretto 21 on Amazon Linux 2023, non-root `airbyte`
# user with uid 1000, /airbyte owned by it). Pinned by digest as listed in Airbyte's base image registry
# (airbyte-ci/connectors/base_images/README.md) and used by airbyte/destination-postgres; metadata.yaml's
# connectorBuildOptions.baseImage names the same image, and MetadataYamlTest keeps the two equal.
FROM docker.io/airbyte/java-connector-base:2.0.1@sha256:ec89bd1a89e825514dd2fc8730ba299a3ae1544580a078df0e35c5202c2085b3

WORKDIR /airbyte

# A thin jar: its manifest's Class-Path points at lib/ next to it. Dependencies first, as they change
# less often than the connector, so their layer stays cached.
COPY --chown=airbyte:airbyte target/lib/ /airbyte/lib/
COPY --chown=airbyte:airbyte target/destination-vectorsink.jar /airbyte/destination-vectorsink.jar

USER airbyte

# The tokenizer library (DJL) unpacks its native code into a cache directory at start-up; by default that
# is ~/.djl.ai, so point it at a directory the airbyte user owns.
ENV DJL_CACHE_DIR=/airbyte/.djl
# A bounded heap. At default settings G1 sizes the heap from the machine's memory and lets it grow far past
# what the connector keeps alive (max_in_flight_chunks bounds that): measured on a 24 GB machine, peak RSS
# 633-688 MB with ~430 MB of heap in use before each collection; with -Xmx256m, 333-431 MB and no slowdown
# (docs/benchmarks.md, "Memory"). ONNX Runtime's native memory is outside the heap and not affected.
# C1 only (-XX:TieredStopAtLevel=1): the connector's CPU goes to the model (native code) or waits on the network,
# and its Java side is glue; by default the JIT compiler threads spent 1.7-5.4 CPU s per measured sync compiling
# it (0.4-0.5 s with C1 only), on a fake-embedder sync more than the glue itself took, and C1 only saves 17% of
# the CPU of a sync of 1,500 short texts with the local model. Measured with the
# default and C1 only side by side on short and long texts, local and remote embeddings (docs/benchmarks.md,
# "Start-up and JIT compilers").
ENV JAVA_TOOL_OPTIONS="-Xmx256m -XX:TieredStopAtLevel=1"

# The base image's default entrypoint (/airbyte/base.sh -> javabase.sh) runs a Gradle distribution at
# /airbyte/bin/$APPLICATION; this connector is a Maven jar and parses Airbyte's commands itself
# (spec | check --config F | write --config F --catalog F), so it is the entrypoint. The platform starts
# connectors with AIRBYTE_ENTRYPOINT plus those arguments, so the two must be the same command
# (MetadataYamlTest checks it).
ENV AIRBYTE_ENTRYPOINT="java -jar /airbyte/destination-vectorsink.jar"
ENTRYPOINT ["java", "-jar", "/airbyte/destination-vectorsink.jar"]

LABEL io.airbyte.name=airbyte/destination-vectorsink
LABEL io.airbyte.version=0.1.0
