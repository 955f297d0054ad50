// Starts dynalite, the local DynamoDB (in memory), on loopback only.
//   node scripts/dynalite.mjs [PORT]     PORT 0 (the default) picks a free one
// Prints "dynalite listening on http://127.0.0.1:PORT" once it listens; SIGTERM/SIGINT stop it.
// A new table is CREATING for DYNALITE_CREATE_TABLE_MS (default 200) before it is ACTIVE, so
// callers that wait for ACTIVE are exercised without slowing tests down.
import dynalite from "dynalite";

const port = Number(process.argv[2] ?? process.env.DYNALITE_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`dynalite: bad port "${process.argv[2]}"`);
  process.exit(2);
}
const createTableMs = Number(process.env.DYNALITE_CREATE_TABLE_MS ?? 200);

const server = dynalite({ createTableMs, deleteTableMs: 0, updateTableMs: 0 });
server.listen(port, "127.0.0.1", (err) => {
  if (err) {
    console.error(`dynalite: ${err.message}`);
    process.exit(1);
  }
  console.log(`dynalite listening on http://127.0.0.1:${server.address().port}`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => server.close(() => process.exit(0)));
}
