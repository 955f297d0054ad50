// Input modelled: an ISO 8601 UTC timestamp from outside: an envelope's enqueued_at, aws-sqsd's
// X-Aws-Sqsd-First-Received-At and -Scheduled-At headers, a credentials answer's Expiration.
// Checked: the parser accepts only what the validator accepts and what names a real instant in
// the years system_clock holds, and an accepted time converts to the clock and formats back
// (whole seconds and milliseconds) to text naming the same instant.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "core/iso_time.h"
#include "fuzz_support.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ebworker;
  const std::string_view text = fuzz::as_text(data, size);
  const bool valid = is_iso8601_utc(text);
  const auto parsed = parse_iso8601_utc(text);
  // The validator and the parser agree: a time the envelope accepts is one the parser reads.
  FUZZ_CHECK(valid == parsed.has_value());
  if (!parsed) return 0;
  FUZZ_CHECK(text.size() >= 20 && text.back() == 'Z');

  // Only the years system_clock (nanoseconds in 64 bits: 1677 to 2262) holds, whole: every time
  // accepted converts to a time_point without overflow.
  using namespace std::chrono;
  FUZZ_CHECK(*parsed >= sys_days(year(kMinIsoYear) / 1 / 1));
  FUZZ_CHECK(*parsed <= sys_days(year(kMaxIsoYear + 1) / 1 / 1));
  FUZZ_CHECK(*parsed >= ceil<seconds>(system_clock::time_point::min()));
  FUZZ_CHECK(*parsed <= floor<seconds>(system_clock::time_point::max()));
  // A leap second (:60) is read as the next minute's first: 2261-12-31T23:59:60Z is in 2262,
  // inside the clock but past the years written.
  if (*parsed == sys_days(year(kMaxIsoYear + 1) / 1 / 1)) {
    FUZZ_CHECK(text.substr(0, 19) == "2261-12-31T23:59:60");
    FUZZ_CHECK(iso8601_utc(system_clock::time_point(*parsed)).starts_with("2262-01-01T00:00:00.000Z"));
    return 0;
  }
  const std::string seconds_text = iso8601_utc_seconds(*parsed);
  FUZZ_CHECK(parse_iso8601_utc(seconds_text) == parsed);
  FUZZ_CHECK(seconds_text.substr(0, 16) == text.substr(0, 16) || text.substr(17, 2) == "60");
  const std::string millis_text = iso8601_utc(system_clock::time_point(*parsed));
  FUZZ_CHECK(parse_iso8601_utc(millis_text) == parsed);
  return 0;
}
