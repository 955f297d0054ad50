// Input modelled: an SQS message body as aws-sqsd POSTs it, with the message-digest attribute
// that travels beside it. The first byte picks the case:
//   even: the rest is the body, signed here with the worker's key (a producer with the right
//         secret), so the verified path and Envelope::parse are reached on every such input;
//   odd:  the first 64 bytes after it are the claimed hex digest and the rest is the body (an
//         attacker without the key): verify must refuse unless the digest is really the HMAC.
// A body that verifies is parsed strictly; one that parses must survive to_json() and parse
// again unchanged. The same bytes also go through parse_json_array (enqueue's ARGS_JSON).

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "fuzz_support.h"

namespace {

using namespace ebworker;

const std::string kKey = "fuzz-secret-key-base-of-at-least-32-bytes";
const std::string kPreviousKey = "fuzz-previous-key-base-of-at-least-32-bytes";

const Signer& signer() {
  static const Signer s = Signer::create(kKey, {kPreviousKey}).value();
  return s;
}
const Signer& previous_signer() {
  static const Signer s = Signer::create(kPreviousKey).value();
  return s;
}

void parse_and_round_trip(std::string_view body) {
  auto envelope = Envelope::parse(body);
  if (!envelope) {
    FUZZ_CHECK(!envelope.error().message.empty());
    return;
  }
  FUZZ_CHECK(!envelope->job_class.empty());
  FUZZ_CHECK(envelope->arguments.IsArray());
  FUZZ_CHECK(envelope->executions >= 0);
  const std::string json = envelope->to_json();
  auto again = Envelope::parse(json);
  FUZZ_CHECK(again.has_value());
  FUZZ_CHECK(again->job_class == envelope->job_class);
  FUZZ_CHECK(again->job_id == envelope->job_id);
  FUZZ_CHECK(again->queue_name == envelope->queue_name);
  FUZZ_CHECK(again->executions == envelope->executions);
  FUZZ_CHECK(again->enqueued_at == envelope->enqueued_at);
  FUZZ_CHECK(again->arguments == envelope->arguments);
  FUZZ_CHECK(again->arguments_json() == envelope->arguments_json());
  FUZZ_CHECK(again->unique_key == envelope->unique_key && again->unique_for == envelope->unique_for);
  FUZZ_CHECK(again->debounce_key == envelope->debounce_key && again->debounce_for == envelope->debounce_for);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input = fuzz::as_text(data + 1, size - 1);

  if ((data[0] & 1) == 0) {
    // A producer holding the key: the digest is right, so the body always gets parsed.
    const std::string digest = signer().sign(input);
    FUZZ_CHECK(digest.size() == 64);
    FUZZ_CHECK(signer().verify(input, digest));
    FUZZ_CHECK(signer().verify(input, previous_signer().sign(input)));  // rotation
    parse_and_round_trip(input);
  } else {
    // No key: whatever digest is claimed, only the real HMAC under a known key passes.
    const std::string_view claimed = input.substr(0, 64);
    const std::string_view body = input.size() > 64 ? input.substr(64) : std::string_view();
    const bool verified = signer().verify(body, claimed);
    FUZZ_CHECK(verified == (claimed == signer().sign(body) || claimed == previous_signer().sign(body)));
    if (verified) parse_and_round_trip(body);
  }

  if (auto args = parse_json_array(input)) FUZZ_CHECK(args->IsArray());
  return 0;
}
