// Prints the benchmark table from a run's directory: results.jsonl (one JSON object per
// measurement), micro.json (Google Benchmark) and machine.txt. Figures are medians over the
// repetitions; every ratio is the median of the per-repetition ratios, each taken against the
// baseline measured in the same repetition.
//   node report.mjs DIR [--check [--sidekiq]]   --check: exit 1 unless every harness produced sane
//                                               results (--sidekiq: the Sidekiq one too)
import { existsSync, readFileSync } from "node:fs";

const dir = process.argv[2];
const check = process.argv.includes("--check");
const results = readFileSync(`${dir}/results.jsonl`, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l));
const problems = [];
const out = [];
const say = (s = "") => out.push(s);

const median = (xs) => {
  const v = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const m = Math.floor(v.length / 2);
  return v.length % 2 ? v[m] : (v[m - 1] + v[m]) / 2;
};
const fmt = (x, digits = 0) => (Number.isFinite(x) ? x.toFixed(digits) : "–");
const ratio = (x) => (Number.isFinite(x) ? x.toFixed(2) : "–");
const pick = (filter) => results.filter((r) => Object.entries(filter).every(([k, v]) => r[k] === v));
const reps = [...new Set(results.filter((r) => r.rep).map((r) => r.rep))];
// Median over repetitions of f(rep), where f reads that repetition's own measurements.
const perRep = (f) => median(reps.map(f));
const targets = [];
const target = (what, goal, value, met) =>
  targets.push(`| ${what} | ${goal} | ${value} | ${met === undefined ? "–" : met ? "met" : "**missed**"} |`);

if (existsSync(`${dir}/machine.txt`)) {
  say("```");
  say(readFileSync(`${dir}/machine.txt`, "utf8").trimEnd());
  say("```");
  say();
}

// 1. Micro.
if (existsSync(`${dir}/micro.json`)) {
  const micro = JSON.parse(readFileSync(`${dir}/micro.json`, "utf8")).benchmarks;
  const rows = micro.filter((b) => b.aggregate_name === "median" || !b.aggregate_name);
  say("### 1. Micro (Google Benchmark, median of the repetitions)");
  say();
  say("| benchmark | time per operation | throughput |");
  say("|---|---:|---:|");
  for (const b of rows) {
    const ns = b.real_time * { ns: 1, us: 1e3, ms: 1e6, s: 1e9 }[b.time_unit ?? "ns"];
    const time = ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(0)} ns`;
    const tput = b.bytes_per_second ? `${(b.bytes_per_second / 2 ** 20).toFixed(0)} MiB/s` : "";
    say(`| ${b.run_name ?? b.name.replace(/_median$/, "")} | ${time} | ${tput} |`);
    if (b.error_occurred) problems.push(`micro ${b.name}: ${b.error_message}`);
  }
  if (!rows.length) problems.push("micro: no results");
  say();
} else if (check) problems.push("micro: no micro.json");

// 2. Worker.
const worker = pick({ bench: "worker" });
if (worker.length) {
  const one = (t, conns, connection, rep) => pick({ bench: "worker", target: t, conns, connection, rep })[0];
  const m = (t, conns, connection, key) => perRep((rep) => one(t, conns, connection, rep)?.[key]);
  const r = (t, base, conns, connection) =>
    perRep((rep) => (one(t, conns, connection, rep)?.rps ?? NaN) / (one(base, conns, connection, rep)?.rps ?? NaN));
  const conns = [...new Set(worker.map((w) => w.conns))].sort((a, b) => a - b);
  const modes = [...new Set(worker.map((w) => w.connection))];
  say("### 2. Worker (wrk, signed ~1 KiB aws-sqsd requests, requests/s)");
  say();
  say("| connection | conns | (a) log info | (a) log off | (b) pistache | (c) nginx | (a)/(b) info | (a)/(b) off | (a)/(c) info | (a)/(c) off |");
  say("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const mode of modes)
    for (const c of conns)
      say(`| ${mode} | ${c} | ${["a_info", "a_off", "b", "c"].map((t) => fmt(m(t, c, mode, "rps"))).join(" | ")} | ` +
          `${ratio(r("a_info", "b", c, mode))} | ${ratio(r("a_off", "b", c, mode))} | ` +
          `${ratio(r("a_info", "c", c, mode))} | ${ratio(r("a_off", "c", c, mode))} |`);
  say();
  if (worker.some((w) => w.target === "a0")) {
    say("Diagnostic (a0): the worker with processing off and log off, so each request goes through ebworker's");
    say("server and its hand-off to the job pool but no job middleware (the app answers 200):");
    say();
    say("| connection | conns | (a0) req/s | (a0)/(b) | (a) log off/(a0) |");
    say("|---|---:|---:|---:|---:|");
    for (const mode of modes)
      for (const c of conns)
        say(`| ${mode} | ${c} | ${fmt(m("a0", c, mode, "rps"))} | ${ratio(r("a0", "b", c, mode))} | ${ratio(r("a_off", "a0", c, mode))} |`);
    say();
  }
  say("Latency p50 / p99 (ms):");
  say();
  say("| connection | conns | (a) log info | (a) log off | (b) pistache | (c) nginx |");
  say("|---|---:|---:|---:|---:|---:|");
  for (const mode of modes)
    for (const c of conns)
      say(`| ${mode} | ${c} | ${["a_info", "a_off", "b", "c"]
        .map((t) => `${fmt(m(t, c, mode, "p50_ms"), 2)} / ${fmt(m(t, c, mode, "p99_ms"), 2)}`)
        .join(" | ")} |`);
  say();
  for (const w of worker) {
    const e = w.errors ?? {};
    if (!(w.requests > 0)) problems.push(`worker ${w.target} ${w.connection} x${w.conns}: no requests`);
    if (e.status > 0) problems.push(`worker ${w.target} ${w.connection} x${w.conns}: ${e.status} non-2xx answers`);
    if (e.timeout > 0) problems.push(`worker ${w.target} ${w.connection} x${w.conns}: ${e.timeout} timeouts`);
  }
  for (const mode of modes)
    for (const level of ["info", "off"]) {
      const rs = conns.map((c) => r(`a_${level}`, "b", c, mode));
      const worst = Math.min(...rs);
      target(`worker (a)/(b), ${mode}, log ${level}`, "≥ 0.9 at every connection count",
             `${rs.map(ratio).join(" / ")} at ${conns.join("/")} conns`, Number.isFinite(worst) ? worst >= 0.9 : undefined);
    }
}

const rss = pick({ bench: "rss" });
if (rss.length) {
  const x = rss[rss.length - 1];
  const change = (x.after_total_kib / x.after_first_kib - 1) * 100;
  say(`### Worker memory (${x.first.toLocaleString("en")} then ${x.total.toLocaleString("en")} requests, half keep-alive, half reconnecting, log info)`);
  say();
  say("| at start | after first | after all | change | peak (VmHWM) |");
  say("|---:|---:|---:|---:|---:|");
  const mib = (k) => `${(k / 1024).toFixed(1)} MiB`;
  say(`| ${mib(x.start_kib)} | ${mib(x.after_first_kib)} | ${mib(x.after_total_kib)} | ${change >= 0 ? "+" : ""}${change.toFixed(1)} % | ${mib(x.hwm_kib)} |`);
  say();
  target(`worker RSS ${x.first / 1000}k → ${x.total / 1000}k requests`, "flat ± 5 %", `${change.toFixed(1)} %`, Math.abs(change) <= 5);
  const load = pick({ bench: "rss-load" });
  for (const l of load)
    if (!(l.requests > 0) || l.errors?.status > 0) problems.push(`rss ${l.phase}: ${l.requests} requests, ${l.errors?.status} non-2xx`);
} else if (check && worker.length) problems.push("rss: no result");

// 3. Client.
const client = pick({ bench: "client" });
if (client.length) {
  const configs = [...new Map(client.map((c) => [`${c.mode} ${c.threads}`, c])).values()];
  const one = (impl, mode, threads, rep) => pick({ bench: "client", impl, mode, threads, rep })[0];
  const m = (impl, mode, threads, key) => perRep((rep) => one(impl, mode, threads, rep)?.[key]);
  const cpuRatio = (mode, threads) =>
    perRep((rep) => one("ebworker", mode, threads, rep)?.cpu_s_per_1000 / one("aws-sdk-js-v3", mode, threads, rep)?.cpu_s_per_1000);
  const n = client[0].messages;
  say(`### 3. Client (${n} messages per run to fauxqs; CPU = the client process's user + system seconds per 1,000 messages)`);
  say();
  // fauxqs's CPU per 1,000 messages during the ebworker runs: 1 s of it per 1,000 messages would cap
  // the queue at 1,000 messages/s on its one (node) thread.
  const queueCpu = (mode, threads) =>
    perRep((rep) => {
      const x = one("ebworker", mode, threads, rep);
      return x ? (x.queue_cpu_s * 1000) / x.queue_messages : NaN;
    });
  say("| call | threads / in flight | ebworker msg/s | AWS SDK v3 msg/s | ebworker CPU s/1k | AWS SDK CPU s/1k | CPU ebworker/SDK | fauxqs CPU s/1k |");
  say("|---|---:|---:|---:|---:|---:|---:|---:|");
  for (const { mode, threads } of configs)
    say(`| ${mode === "single" ? "enqueue" : "enqueue_batch"} | ${threads} | ${fmt(m("ebworker", mode, threads, "msgs_per_s"))} | ` +
        `${fmt(m("aws-sdk-js-v3", mode, threads, "msgs_per_s"))} | ${fmt(m("ebworker", mode, threads, "cpu_s_per_1000"), 3)} | ` +
        `${fmt(m("aws-sdk-js-v3", mode, threads, "cpu_s_per_1000"), 3)} | ${ratio(cpuRatio(mode, threads))} | ` +
        `${fmt(queueCpu(mode, threads), 3)} |`);
  say();
  for (const { mode, threads } of configs) {
    const x = cpuRatio(mode, threads);
    target(`client CPU per message, ${mode} x${threads}`, "≤ 0.25 × the AWS SDK's", ratio(x), Number.isFinite(x) ? x <= 0.25 : undefined);
  }
  for (const threads of [...new Set(configs.map((c) => c.threads))]) {
    const x = perRep((rep) => one("ebworker", "batch", threads, rep)?.msgs_per_s / one("ebworker", "single", threads, rep)?.msgs_per_s);
    if (Number.isFinite(x)) target(`batch / single throughput, ${threads} thread(s)`, "≥ 5", ratio(x), x >= 5);
  }
  for (const c of client) if (c.failed > 0 || !(c.msgs_per_s > 0)) problems.push(`client ${c.impl} ${c.mode} x${c.threads}: ${c.failed} failed`);
}

// 4. Pipeline.
const pipe = pick({ bench: "pipeline" });
if (pipe.length) {
  const rate = (rep, stage) => {
    const x = pick({ bench: "pipeline", stage, rep })[0];
    if (!x) return NaN;
    return stage === "queue" ? x.jobs_per_s : x.messages / x.seconds;
  };
  const q = perRep((rep) => rate(rep, "queue"));
  const p = perRep((rep) => rate(rep, "pipeline"));
  const x = perRep((rep) => rate(rep, "pipeline") / rate(rep, "queue"));
  const ip = perRep((rep) => rate(rep, "in_process"));
  const ix = perRep((rep) => rate(rep, "in_process") / rate(rep, "queue"));
  const n = pick({ bench: "pipeline", stage: "pipeline" })[0]?.messages;
  say(`### 4. Pipeline (${n} queued jobs, jobs/s until the queue is empty)`);
  say();
  const per1k = (stage, key) =>
    perRep((rep) => {
      const y = pick({ bench: "pipeline", stage, rep })[0];
      return y ? (y[key] * 1000) / y.messages : NaN;
    });
  say("| fauxqs receive + delete loop (ceiling) | fauxqs → ebworker sqsd → worker | pipeline / queue | fauxqs → worker polling itself | in-process / queue |");
  say("|---:|---:|---:|---:|---:|");
  say(`| ${fmt(q)} | ${fmt(p)} | ${ratio(x)} | ${fmt(ip)} | ${ratio(ix)} |`);
  say();
  say("CPU seconds per 1,000 jobs (2 cores: at most 2 CPU-seconds per wall second for everything):");
  say();
  say("| run | fauxqs | loop / ebworker sqsd | worker | total |");
  say("|---|---:|---:|---:|---:|");
  const lq = per1k("queue", "queue_cpu_s"), ll = per1k("queue", "loop_cpu_s");
  const pq = per1k("pipeline", "queue_cpu_s"), ps = per1k("pipeline", "sqsd_cpu_s"), pw = per1k("pipeline", "worker_cpu_s");
  say(`| receive + delete loop | ${fmt(lq, 3)} | ${fmt(ll, 3)} | – | ${fmt(lq + ll, 3)} |`);
  say(`| pipeline | ${fmt(pq, 3)} | ${fmt(ps, 3)} | ${fmt(pw, 3)} | ${fmt(pq + ps + pw, 3)} |`);
  const iq = per1k("in_process", "queue_cpu_s"), iw = per1k("in_process", "worker_cpu_s");
  say(`| worker polling itself | ${fmt(iq, 3)} | – | ${fmt(iw, 3)} | ${fmt(iq + iw, 3)} |`);
  say();
  target("pipeline / the queue's own rate", "≥ 0.8", ratio(x), Number.isFinite(x) ? x >= 0.8 : undefined);
  target("worker polling itself / the queue's own rate", "≥ 0.9", ratio(ix), Number.isFinite(ix) ? ix >= 0.9 : undefined);
  if (!Number.isFinite(x)) problems.push("pipeline: missing results");
  if (!Number.isFinite(ix)) problems.push("pipeline: missing in-process results");
}

// 6. Receives in flight (printed after the pipeline it varies): jobs/s per --receives value,
// and each as a ratio to --receives 1 taken within a repetition.
const rcv = pick({ bench: "receives" });
if (rcv.length) {
  const rate = (rep, receives) => {
    const x = pick({ bench: "receives", rep, receives })[0];
    return x ? x.messages / x.seconds : NaN;
  };
  const values = [...new Set(rcv.map((r) => r.receives))].sort((a, b) => a - b);
  say(`### 6. Receives in flight (${rcv[0].messages} queued jobs, every ReceiveMessage ${rcv[0].delay_ms} ms late)`);
  say();
  say("| --receives | jobs/s | ratio to --receives 1 |");
  say("|---:|---:|---:|");
  for (const v of values) say(`| ${v} | ${fmt(perRep((rep) => rate(rep, v)))} | ${ratio(perRep((rep) => rate(rep, v) / rate(rep, 1)))} |`);
  say();
  for (const r of rcv) if (!(r.seconds > 0)) problems.push(`receives ${r.receives}: no time measured`);
}
if (check && !rcv.length) problems.push("receives: no results");

// 5. Sidekiq, against the pipeline: jobs/s and CPU per job of every process, in µs.
const kiq = pick({ bench: "sidekiq" });
if (kiq.length) {
  const stage = (st, rep) => pick({ bench: "sidekiq", stage: st, rep })[0];
  const ours = (rep) => pick({ bench: "pipeline", stage: "pipeline", rep })[0];
  const inProcess = (rep) => pick({ bench: "pipeline", stage: "in_process", rep })[0];
  const us = (x, key, n) => (x && Number.isFinite(x[key]) ? (x[key] * 1e6) / n : NaN);
  const kRate = perRep((rep) => stage("run", rep)?.messages / stage("run", rep)?.seconds);
  const n = stage("run", reps[0])?.messages;
  say(`### 5. Sidekiq (${n} queued no-op jobs with the same arguments, jobs/s until the queue is empty)`);
  say();
  // Per repetition: CPU µs per job of each process, ours and Sidekiq's.
  const rows = [
    ["queue server while running (fauxqs / redis)", (o) => us(o, "queue_cpu_s", o?.messages), (k) => us(k.run, "queue_cpu_s", k.run?.messages)],
    ["daemon (ebworker sqsd / –)", (o) => us(o, "sqsd_cpu_s", o?.messages), () => 0],
    ["worker (ebworker serve / sidekiq -c 10)", (o) => us(o, "worker_cpu_s", o?.messages), (k) => us(k.run, "sidekiq_cpu_s", k.run?.messages)],
  ];
  const run = [(o) => rows.reduce((a, r) => a + r[1](o), 0), (k) => rows.reduce((a, r) => a + r[2](k), 0)];
  const fillRows = [
    ["enqueuer (sqs_bench fill, 10 a batch / push_bulk, 1,000 a call)", (o) => us(o, "fill_cpu_s", o?.messages), (k) => us(k.fill, "enqueuer_cpu_s", k.fill?.jobs)],
    ["queue server while filling (fauxqs / redis)", (o) => us(o, "fill_queue_cpu_s", o?.messages), (k) => us(k.fill, "queue_cpu_s", k.fill?.jobs)],
  ];
  const all = [(o) => run[0](o) + fillRows.reduce((a, r) => a + r[1](o), 0), (k) => run[1](k) + fillRows.reduce((a, r) => a + r[2](k), 0)];
  const both = (rep) => ({ run: stage("run", rep), fill: stage("fill", rep) });
  const line = (what, f, g) => {
    const a = perRep((rep) => f(ours(rep))), b = perRep((rep) => g(both(rep)));
    const r = perRep((rep) => g(both(rep)) / f(ours(rep)));
    say(`| ${what} | ${fmt(a, 1)} | ${fmt(b, 1)} | ${Number.isFinite(r) && r > 0 ? ratio(r) : "–"} |`);
    return r;
  };
  const oRate = perRep((rep) => ours(rep)?.messages / ours(rep)?.seconds);
  const speed = perRep((rep) => ours(rep)?.messages / ours(rep)?.seconds / (stage("run", rep)?.messages / stage("run", rep)?.seconds));
  const iRate = perRep((rep) => inProcess(rep)?.messages / inProcess(rep)?.seconds);
  const iSpeed = perRep((rep) => inProcess(rep)?.messages / inProcess(rep)?.seconds / (stage("run", rep)?.messages / stage("run", rep)?.seconds));
  say("| | fauxqs → ebworker sqsd → worker | Redis → Sidekiq | ours / Sidekiq | fauxqs → worker polling itself | in-process / Sidekiq |");
  say("|---|---:|---:|---:|---:|---:|");
  say(`| jobs/s | ${fmt(oRate)} | ${fmt(kRate)} | ${ratio(speed)} | ${fmt(iRate)} | ${ratio(iSpeed)} |`);
  say();
  // The worker polling itself against Sidekiq's process: the one process that runs the jobs each.
  const iWorker = perRep((rep) => us(inProcess(rep), "worker_cpu_s", inProcess(rep)?.messages));
  const iQueue = perRep((rep) => us(inProcess(rep), "queue_cpu_s", inProcess(rep)?.messages));
  const kWorker = perRep((rep) => us(stage("run", rep), "sidekiq_cpu_s", stage("run", rep)?.messages));
  const kQueue = perRep((rep) => us(stage("run", rep), "queue_cpu_s", stage("run", rep)?.messages));
  const iCpu = perRep((rep) => us(inProcess(rep), "worker_cpu_s", inProcess(rep)?.messages) /
                              us(stage("run", rep), "sidekiq_cpu_s", stage("run", rep)?.messages));
  say("The worker polling itself, CPU µs per job (/proc/PID/stat):");
  say();
  say("| process | worker polling itself | Sidekiq | ours / Sidekiq |");
  say("|---|---:|---:|---:|");
  say(`| the jobs' process (ebworker serve --queue-url / sidekiq -c 10) | ${fmt(iWorker, 1)} | ${fmt(kWorker, 1)} | ${ratio(iCpu)} |`);
  say(`| queue server while running (fauxqs / redis) | ${fmt(iQueue, 1)} | ${fmt(kQueue, 1)} | – |`);
  say();
  say("CPU µs per job, each process from /proc/PID/stat (utime + stime); the last column is Sidekiq's / ours:");
  say();
  say("| process | ebworker | Sidekiq | Sidekiq / ebworker |");
  say("|---|---:|---:|---:|");
  for (const [what, f, g] of rows) line(what, f, g);
  const cheaper = line("**running the jobs**", run[0], run[1]);
  for (const [what, f, g] of fillRows) line(what, f, g);
  const cheaperAll = line("**enqueue and run**", all[0], all[1]);
  say();
  target("CPU per job, running (queue server + daemon + worker), Sidekiq's / ours", "≥ 4", ratio(cheaper), Number.isFinite(cheaper) ? cheaper >= 4 : undefined);
  target("CPU per job, enqueue and run, Sidekiq's / ours", "≥ 4", ratio(cheaperAll), Number.isFinite(cheaperAll) ? cheaperAll >= 4 : undefined);
  target("jobs/s, ours / Sidekiq's", "> 1", ratio(speed), Number.isFinite(speed) ? speed > 1 : undefined);
  target("jobs/s, the worker polling itself / Sidekiq's", "≥ 2", ratio(iSpeed), Number.isFinite(iSpeed) ? iSpeed >= 2 : undefined);
  target("CPU per job, the worker polling itself / Sidekiq's process", "≤ 0.25", ratio(iCpu), Number.isFinite(iCpu) ? iCpu <= 0.25 : undefined);
  if (!Number.isFinite(kRate)) problems.push("sidekiq: missing results");
}

if (targets.length) {
  say("### Targets");
  say();
  say("| what | target | measured | |");
  say("|---|---|---|---|");
  for (const t of targets) say(t);
  say();
}
console.log(out.join("\n"));
if (check) {
  const wanted = ["worker", "client", "pipeline", ...(process.argv.includes("--sidekiq") ? ["sidekiq"] : [])].filter((b) => !results.some((r) => r.bench === b));
  for (const b of wanted) problems.push(`${b}: no results`);
  if (problems.length) {
    console.error(`bench smoke: ${problems.length} problem(s):\n  ${problems.join("\n  ")}`);
    process.exit(1);
  }
  console.error("bench smoke: every harness ran and answered as expected");
}
