// The benchmark peer: PostGraphile 5 with @graphile/pg-aggregates, serving the
// benchmark database in production mode (NODE_ENV=production, no GraphiQL,
// no explain, no schema watching) on a loopback port. The schema is built once
// per process from the database (tables, their indexes, and the helper
// functions and views of schema bench_peer, see peer.sql).
//
// Environment: DATABASE_URL (required), PORT (required), HOST (default
// 127.0.0.1), PEER_WORKERS (default: the number of CPUs; node:cluster
// workers sharing the port, as PostGraphile recommends for multi-core
// machines), PEER_POOL (connections per worker, default 8).
import cluster from "node:cluster";
import { createServer } from "node:http";
import { availableParallelism } from "node:os";

import { postgraphile } from "postgraphile";
import { makePgService } from "postgraphile/adaptors/pg";
import { grafserv } from "postgraphile/grafserv/node";
import { PostGraphileAmberPreset } from "postgraphile/presets/amber";
import { PgAggregatesPreset } from "@graphile/pg-aggregates";

const connectionString = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
const host = process.env.HOST || "127.0.0.1";
const workers = Number(process.env.PEER_WORKERS || availableParallelism());
const poolSize = Number(process.env.PEER_POOL || 8);
if (!connectionString || !port) {
  console.error("peer: DATABASE_URL and PORT are required");
  process.exit(2);
}
if (process.env.NODE_ENV !== "production") {
  console.error("peer: refusing to run outside NODE_ENV=production");
  process.exit(2);
}

if (cluster.isPrimary && workers > 1) {
  let ready = 0;
  for (let i = 0; i < workers; i++) {
    const w = cluster.fork();
    w.on("message", (m) => {
      if (m === "ready" && ++ready === workers) console.log(`peer: listening on http://${host}:${port}/graphql (${workers} workers)`);
    });
  }
  cluster.on("exit", (w, code, signal) => {
    console.error(`peer: worker ${w.process.pid} exited (${signal || code})`);
    process.exit(1);
  });
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => {
      for (const id in cluster.workers) cluster.workers[id].kill("SIGTERM");
      process.exit(0);
    });
  }
} else {
  const preset = {
    extends: [PostGraphileAmberPreset, PgAggregatesPreset],
    pgServices: [
      makePgService({
        connectionString,
        schemas: ["public", "bench_peer"],
        poolConfig: { max: poolSize },
      }),
    ],
    grafserv: {
      port,
      host,
      graphqlPath: "/graphql",
      graphiql: false,
      watch: false,
      maxRequestLength: 1_000_000,
    },
    grafast: { explain: false },
  };
  const pgl = postgraphile(preset);
  const serv = pgl.createServ(grafserv);
  const server = createServer();
  server.keepAliveTimeout = 65_000;
  server.on("error", (e) => {
    console.error("peer:", e);
    process.exit(1);
  });
  await serv.addTo(server);
  // Build the schema before saying we are ready, so that no measured request
  // pays for introspection.
  await pgl.getSchemaResult();
  server.listen(port, host, () => {
    if (process.send) process.send("ready");
    else console.log(`peer: listening on http://${host}:${port}/graphql`);
  });
  for (const sig of ["SIGTERM", "SIGINT"]) {
    process.on(sig, () => {
      server.close();
      pgl.release().finally(() => process.exit(0));
    });
  }
}
