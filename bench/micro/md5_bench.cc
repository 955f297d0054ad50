// The MD5s the client computes per send to check SQS's answer (docs/wire-protocol.md, "SQS").
#include <benchmark/benchmark.h>

#include "common/sample_job.h"
#include "envelope/signer.h"
#include "sqs/message_md5.h"

namespace {

// The two attributes every ebworker message carries: message-digest and origin.
void BM_Md5OfAttributes(benchmark::State& state) {
  const std::vector<ebworker::MessageAttribute> attributes = {
      {std::string(ebworker::kDigestAttribute), "String", std::string(64, 'a')},
      {std::string(ebworker::kOriginAttribute), "String", std::string(ebworker::kOriginValue)},
  };
  for (auto _ : state) benchmark::DoNotOptimize(ebworker::md5_of_attributes(attributes));
}
BENCHMARK(BM_Md5OfAttributes);

// The SQS maximum: ten attributes.
void BM_Md5OfTenAttributes(benchmark::State& state) {
  std::vector<ebworker::MessageAttribute> attributes;
  for (int i = 9; i >= 0; --i)
    attributes.push_back({"attribute-" + std::to_string(i), i % 2 ? "Number" : "String", std::string(32, 'x')});
  for (auto _ : state) benchmark::DoNotOptimize(ebworker::md5_of_attributes(attributes));
}
BENCHMARK(BM_Md5OfTenAttributes);

void BM_Md5OfBody(benchmark::State& state) {
  const std::string body = bench::sample_body();
  for (auto _ : state) benchmark::DoNotOptimize(ebworker::md5_of_body(body));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}
BENCHMARK(BM_Md5OfBody);

}  // namespace
