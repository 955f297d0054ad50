// Starts fauxqs, the local SQS, on loopback only (its own command listens on every interface).
//   node scripts/fauxqs.mjs [PORT]     PORT 0 (the default) picks a free one
// Prints "fauxqs listening on http://127.0.0.1:PORT" once it answers; SIGTERM/SIGINT stop it.
import { buildApp } from "fauxqs";

const port = Number(process.argv[2] ?? process.env.FAUXQS_PORT ?? 0);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`fauxqs: bad port "${process.argv[2]}"`);
  process.exit(2);
}

const app = buildApp({ logger: false, defaultRegion: process.env.AWS_REGION ?? "us-east-1" });
const address = await app.listen({ port, host: "127.0.0.1" });
console.log(`fauxqs listening on ${address}`);

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, async () => {
    await app.close();
    process.exit(0);
  });
}
