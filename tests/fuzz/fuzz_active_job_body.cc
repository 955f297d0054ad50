// Input modelled: a Rails message as aws-sqsd POSTs it (ActiveJob's serialized job), with the
// active_elastic_job digest beside it. The first byte picks the case:
//   even: the rest is the body, signed here with HMAC-SHA1 under the worker's key (a Rails web
//         tier with the right secret), so the parser is reached on every such input;
//   odd:  the first 40 bytes after it are the claimed hex digest and the rest is the body (an
//         attacker without the key): verify must refuse unless the digest is really the HMAC.
// A body that parses must survive being written back as a hop (active_job_json) and parse again
// to the same job, with the same decoded arguments; a refusal is either kind, with a reason.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "envelope/active_job_body.h"
#include "envelope/signer.h"
#include "fuzz_support.h"

namespace {

using namespace ebworker;

const std::string kKey = "fuzz-rails-secret-key-base-of-at-least-32-bytes";
const std::string kPreviousKey = "fuzz-rails-previous-key-base-of-at-least-32-bytes";

const Signer& signer() {
  static const Signer s = Signer::create(HmacDigest::sha1, {.current = kKey, .previous = {kPreviousKey}}).value();
  return s;
}

void parse_and_round_trip(std::string_view body) {
  auto envelope = parse_active_job(body, MessageFormat::active_elastic_job);
  if (!envelope) {
    FUZZ_CHECK(!envelope.error().message.empty());
    return;
  }
  FUZZ_CHECK(!envelope->job_class.empty());
  FUZZ_CHECK(!envelope->job_id.empty());
  FUZZ_CHECK(envelope->arguments.IsArray());
  FUZZ_CHECK(envelope->active_job_body != nullptr);
  envelope->executions += 1;
  const std::string hop = active_job_json(*envelope);
  auto again = parse_active_job(hop, MessageFormat::active_elastic_job);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->job_class == envelope->job_class);
  FUZZ_CHECK(again->job_id == envelope->job_id);
  FUZZ_CHECK(again->executions == envelope->executions);
  FUZZ_CHECK(again->scheduled_at == envelope->scheduled_at);
  FUZZ_CHECK(again->arguments_json() == envelope->arguments_json());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input = fuzz::as_text(data + 1, size - 1);
  if ((data[0] & 1) == 0) {
    const std::string digest = signer().sign(input);
    FUZZ_CHECK(digest.size() == 40);
    FUZZ_CHECK(signer().verify(input, digest));
    FUZZ_CHECK(signer().verify(input, hmac_hex(HmacDigest::sha1, kPreviousKey, input)));  // rotation
    FUZZ_CHECK(!signer().verify(input, hmac_hex(HmacDigest::sha256, kKey, input)));
    parse_and_round_trip(input);
  } else {
    const std::string_view claimed = input.substr(0, 40);
    const std::string_view body = input.size() > 40 ? input.substr(40) : std::string_view();
    const bool verified = signer().verify(body, claimed);
    FUZZ_CHECK(verified == (claimed == signer().sign(body) || claimed == hmac_hex(HmacDigest::sha1, kPreviousKey, body)));
    if (verified) parse_and_round_trip(body);
  }
  return 0;
}
