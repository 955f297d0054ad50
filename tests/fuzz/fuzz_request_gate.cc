// Input modelled: the bytes of one worker connection, as the request gate (http/request_gate.h)
// reads them before pistache does. The first byte picks how the rest arrives (the size of each
// piece, 1 to 256), the way TCP may cut it anywhere.
// Checked: the verdict does not depend on the cutting (whole or in pieces: the same refusal, or
// none, and the same state after); a refusal is 400, 411, 413 or 431 with a reason, and after it
// the gate is closing and takes nothing more.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

#include "fuzz_support.h"
#include "http/request_gate.h"

namespace {

using ebworker::GateRefusal;
using ebworker::RequestGate;

constexpr ebworker::RequestLimits kLimits{.max_headers = 8, .max_header_bytes = 512, .max_body = 256};

std::optional<GateRefusal> feed(RequestGate& gate, std::string_view bytes, std::size_t step) {
  for (std::size_t at = 0; at < bytes.size(); at += step)
    if (auto refusal = gate.scan(bytes.substr(at, step))) return refusal;
  return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::size_t step = std::size_t{data[0]} + 1;
  const std::string_view bytes = ebworker::fuzz::as_text(data + 1, size - 1);

  RequestGate whole(kLimits);
  RequestGate cut(kLimits);
  const auto a = whole.scan(bytes);
  const auto b = feed(cut, bytes, step);
  FUZZ_CHECK(a.has_value() == b.has_value());
  FUZZ_CHECK(whole.between_requests() == cut.between_requests());
  FUZZ_CHECK(whole.closing() == cut.closing());
  if (!a) return 0;
  FUZZ_CHECK(a->status == b->status && a->reason == b->reason);
  FUZZ_CHECK(a->status == 400 || a->status == 411 || a->status == 413 || a->status == 431);
  FUZZ_CHECK(!a->reason.empty());
  FUZZ_CHECK(whole.closing() && !whole.between_requests());
  FUZZ_CHECK(!whole.scan("GET / HTTP/1.1\r\n\r\n"));
  return 0;
}
