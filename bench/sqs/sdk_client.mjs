// The client benchmark's baseline: the same NoopJob messages as `sqs_bench client` sends (the
// same envelope and arguments, HMAC-SHA256-signed, with the message-digest and origin
// attributes), through the official AWS SDK for JavaScript v3 (bench/package.json pins it).
//   node sdk_client.mjs --endpoint URL --queue-url Q --mode single|batch --threads T
//                       --messages N --arguments JSON [--warmup W]
// "threads" is the concurrency: T sends in flight at once (node runs them on one thread), as the
// C++ harness has T threads each with one send in flight. Prints RESULT {…} with messages/s and
// the process's CPU seconds (process.cpuUsage(): user + system, all threads) per 1,000 messages.
import { createHmac, randomUUID } from "node:crypto";
import { SQSClient, SendMessageCommand, SendMessageBatchCommand } from "@aws-sdk/client-sqs";

const SECRET = "bench-secret-key-base-0123456789abcdef0123456789abcdef"; // bench::kSecret

const args = {};
for (let i = 2; i + 1 < process.argv.length; i += 2) args[process.argv[i]] = process.argv[i + 1];
const mode = args["--mode"] ?? "single";
const threads = Math.max(1, Number(args["--threads"] ?? 1));
const messages = Number(args["--messages"] ?? 1000);
const warmup = Number(args["--warmup"] ?? 20);
const queueUrl = args["--queue-url"];
const argumentsJson = args["--arguments"];
if (!queueUrl || !args["--endpoint"] || !argumentsJson || !["single", "batch"].includes(mode)) {
  console.error("usage: sdk_client.mjs --endpoint URL --queue-url Q --mode single|batch --threads T --messages N --arguments JSON");
  process.exit(2);
}
const queueName = queueUrl.split("/").pop();
const jobArguments = JSON.parse(argumentsJson);

const client = new SQSClient({
  endpoint: args["--endpoint"],
  region: "us-east-1",
  credentials: { accessKeyId: "bench", secretAccessKey: "bench-secret" },
});

// What Client::enqueue sends: the envelope (envelope/envelope.h) and its two attributes.
function message() {
  const body = JSON.stringify({
    job_class: "NoopJob",
    job_id: randomUUID(),
    queue_name: queueName,
    arguments: jobArguments,
    executions: 0,
    enqueued_at: new Date().toISOString(),
  });
  const digest = createHmac("sha256", SECRET).update(body).digest("hex");
  return {
    MessageBody: body,
    MessageAttributes: {
      "message-digest": { DataType: "String", StringValue: digest },
      origin: { DataType: "String", StringValue: "ebworker" },
    },
  };
}

let failed = 0;

async function sendShare(count) {
  if (mode === "single") {
    for (let i = 0; i < count; i++) {
      try {
        await client.send(new SendMessageCommand({ QueueUrl: queueUrl, ...message() }));
      } catch {
        failed++;
      }
    }
    return;
  }
  for (let start = 0; start < count; start += 10) {
    const entries = [];
    for (let k = start; k < Math.min(count, start + 10); k++) entries.push({ Id: String(k - start), ...message() });
    try {
      const out = await client.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
      failed += out.Failed?.length ?? 0;
    } catch {
      failed += entries.length;
    }
  }
}

async function sendAll(total) {
  const shares = [];
  for (let t = 0; t < threads; t++) shares.push(sendShare(Math.floor(total / threads) + (t < total % threads ? 1 : 0)));
  await Promise.all(shares);
}

await sendAll(warmup); // connections open, code warmed up: not measured
if (failed) {
  console.error(`sdk_client: ${failed} warm-up sends failed`);
  process.exit(1);
}
const cpu0 = process.cpuUsage();
const start = process.hrtime.bigint();
await sendAll(messages);
const seconds = Number(process.hrtime.bigint() - start) / 1e9;
const cpu = process.cpuUsage(cpu0);
const cpuSeconds = (cpu.user + cpu.system) / 1e6;
console.log(
  "RESULT " +
    JSON.stringify({
      impl: "aws-sdk-js-v3",
      mode,
      threads,
      messages,
      failed,
      seconds: Number(seconds.toFixed(3)),
      msgs_per_s: Number((messages / seconds).toFixed(1)),
      cpu_s: Number(cpuSeconds.toFixed(3)),
      cpu_s_per_1000: Number(((cpuSeconds * 1000) / messages).toFixed(4)),
    }),
);
client.destroy();
process.exit(failed ? 1 : 0);
