// Reads an index that vectorsink wrote with LangChain.js's vector stores, as an application would, for
// the reader integration tests (src/test/java/io/vectorsink/process/*ReadersIT.java).
//
// stdin: one JSON request
//   {"store": "chroma" | "opensearch" | "elasticsearch", "url": "...", "index": "...",
//    "username": "...", "password": "...", "vectorFieldName": "...",
//    "searches": [{"vector": [...], "k": 3, "filter": {...}}]}
// stdout: one JSON array, per search the hits [{"pageContent": "...", "metadata": {...}, "score": n}]
//
// The query vectors come from the test (the same model as the sync): the stores are given an Embeddings
// that refuses to embed, so nothing here computes a vector of its own.
import { Embeddings } from "@langchain/core/embeddings";

class GivenVectorsOnly extends Embeddings {
  constructor() {
    super({});
  }

  async embedDocuments() {
    throw new Error("the reader test passes query vectors; nothing is embedded here");
  }

  async embedQuery() {
    throw new Error("the reader test passes query vectors; nothing is embedded here");
  }
}

async function chroma(request, embeddings) {
  const { Chroma } = await import("@langchain/community/vectorstores/chroma");
  // LangChain.js's defaults: tenant default_tenant, database default_database (Chroma's own defaults).
  return new Chroma(embeddings, { collectionName: request.index, url: request.url });
}

async function opensearch(request, embeddings) {
  const { OpenSearchVectorStore } = await import("@langchain/community/vectorstores/opensearch");
  const { Client } = await import("@opensearch-project/opensearch");
  const options = { client: new Client({ node: request.url }), indexName: request.index };
  if (request.vectorFieldName) {
    options.vectorFieldName = request.vectorFieldName;
  }
  return new OpenSearchVectorStore(embeddings, options);
}

async function elasticsearch(request, embeddings) {
  const { ElasticVectorSearch } = await import("@langchain/community/vectorstores/elasticsearch");
  const { Client } = await import("@elastic/elasticsearch");
  const client = new Client({
    node: request.url,
    auth: { username: request.username, password: request.password },
  });
  return new ElasticVectorSearch(embeddings, { client, indexName: request.index });
}

const STORES = { chroma, opensearch, elasticsearch };

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk);
  }
  const request = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const open = STORES[request.store];
  if (!open) {
    throw new Error(`unknown store ${request.store}`);
  }
  const store = await open(request, new GivenVectorsOnly());
  const answers = [];
  for (const search of request.searches) {
    const hits = await store.similaritySearchVectorWithScore(search.vector, search.k, search.filter);
    answers.push(hits.map(([doc, score]) => ({ pageContent: doc.pageContent, metadata: doc.metadata, score })));
  }
  process.stdout.write(JSON.stringify(answers) + "\n");
}

main().catch((error) => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
