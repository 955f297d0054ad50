// Signing, verifying and parsing a message body: what the client does per send and the worker
// per request.
#include <benchmark/benchmark.h>

#include "common/sample_job.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"

namespace {

ebworker::Signer make_signer(bool rotated = false) {
  std::vector<std::string> previous;
  if (rotated) previous.push_back(bench::kSecret);
  auto s = ebworker::Signer::create(rotated ? std::string(bench::kSecret) + "-new" : bench::kSecret, previous);
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(s).value();
}

// Bodies of 1 KiB (a typical job) and 64 KiB.
void BM_Sign(benchmark::State& state) {
  const auto signer = make_signer();
  const std::string body = bench::sample_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(signer.sign(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Sign)->Arg(1024)->Arg(64 * 1024);

void BM_Verify(benchmark::State& state) {
  const auto signer = make_signer();
  const std::string body = bench::sample_body(static_cast<std::size_t>(state.range(0)));
  const std::string digest = signer.sign(body);
  for (auto _ : state) {
    const bool ok = signer.verify(body, digest);
    benchmark::DoNotOptimize(ok);
    if (!ok) state.SkipWithError("digest did not verify");
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Verify)->Arg(1024)->Arg(64 * 1024);

// During a key rotation: the current key fails, the previous one matches (two HMACs).
void BM_VerifyPreviousKey(benchmark::State& state) {
  const auto old_signer = make_signer();
  const auto signer = make_signer(true);
  const std::string body = bench::sample_body();
  const std::string digest = old_signer.sign(body);
  for (auto _ : state) {
    const bool ok = signer.verify(body, digest);
    benchmark::DoNotOptimize(ok);
    if (!ok) state.SkipWithError("digest did not verify");
  }
}
BENCHMARK(BM_VerifyPreviousKey);

void BM_EnvelopeParse(benchmark::State& state) {
  const std::string body = bench::sample_body(static_cast<std::size_t>(state.range(0)));
  for (auto _ : state) {
    auto e = ebworker::Envelope::parse(body);
    if (!e) state.SkipWithError(e.error().message.c_str());
    benchmark::DoNotOptimize(e);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_EnvelopeParse)->Arg(1024)->Arg(64 * 1024);

// The client's side: a fresh envelope (UUID, timestamp) serialised.
void BM_EnvelopeMake(benchmark::State& state) {
  const std::string arguments = bench::sample_arguments();
  for (auto _ : state) {
    auto e = ebworker::Envelope::make("NoopJob", arguments);
    if (!e) state.SkipWithError(e.error().message.c_str());
    benchmark::DoNotOptimize(e->to_json());
  }
}
BENCHMARK(BM_EnvelopeMake);

}  // namespace
