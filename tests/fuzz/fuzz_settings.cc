// Input modelled: the environment and command line of `ebworker serve` and `ebworker sqsd`:
// values of the documented variables (PORT, EBWORKER_*, EBWORKER_SQSD_*) and flags, as the
// settings tables read them (load_settings through load_worker_config and load_sqsd_config),
// plus the value parsers on their own (parse_bool, parse_number, check_log_level, parse_url and
// redacted_url: every queue, endpoint and credentials URL goes through them).
// The input is split at newlines: the first line is the value for the single parsers; each
// following line "NAME=value" sets a variable, and a line starting with "--" is an argument.
// Checked: numbers are in range, booleans read as documented, an accepted configuration holds
// only values its table allows, every refusal names what it refused, a parsed URL's authority
// holds no user name, and a URL with credentials is never printed with them.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/settings.h"
#include "worker/worker_config.h"
#include "core/text.h"
#include "net/url.h"
#include "fuzz_support.h"
#include "sqsd/sqsd_config.h"

namespace {

using namespace ebworker;

template <typename N>
void number(std::string_view value, N min, N max) {
  if (auto n = parse_number<N>(value, min, max)) {
    FUZZ_CHECK(*n >= min && *n <= max);
    FUZZ_CHECK(std::to_string(*n).size() <= value.size());
  } else {
    FUZZ_CHECK(!n.error().message.empty());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input = fuzz::as_text(data, size);
  std::vector<std::string_view> lines;
  for (size_t start = 0; start <= input.size();) {
    const auto end = std::min(input.find('\n', start), input.size());
    lines.push_back(input.substr(start, end - start));
    start = end + 1;
  }
  const std::string_view value = lines[0];

  if (auto b = parse_bool(value)) {
    const std::string l = to_lower(value);
    FUZZ_CHECK(*b ? l == "true" : (l == "false" || l.empty()));
  }
  if (check_log_level(value)) FUZZ_CHECK(!value.empty() && value.size() <= 8);
  number<int>(value, 0, 100);
  number<unsigned>(value, 0, 65535);
  number<std::size_t>(value, 1, 64 * 1024 * 1024);
  number<long>(value, 0, 86400);
  number<int>(value, -5, 5);
  if (auto url = parse_url(value)) {
    FUZZ_CHECK(!url->scheme.empty());
    FUZZ_CHECK(url->authority().find('@') == std::string::npos);
    if (url->credentials) FUZZ_CHECK(redacted_url(value).find("***") != std::string::npos);
  }

  Environment env;
  std::vector<std::string> args;
  for (size_t i = 1; i < lines.size(); ++i) {
    if (lines[i].substr(0, 2) == "--") {
      args.emplace_back(lines[i]);
      continue;
    }
    const auto eq = lines[i].find('=');
    if (eq == std::string_view::npos) continue;
    env[std::string(lines[i].substr(0, eq))] = std::string(lines[i].substr(eq + 1));
  }

  if (auto worker = load_worker_config(env, args)) {
    FUZZ_CHECK(worker->job_threads >= 1 && worker->job_threads <= 1000);
    FUZZ_CHECK(worker->io_threads >= 1 && worker->io_threads <= 64);
    FUZZ_CHECK(worker->max_body >= 1);
    FUZZ_CHECK(check_log_level(worker->log_level).has_value());
    FUZZ_CHECK(parse_ip(worker->bind).has_value());
    FUZZ_CHECK(worker->shutdown_timeout.count() >= 0);
  } else {
    FUZZ_CHECK(!worker.error().message.empty());
  }

  if (auto sqsd = load_sqsd_config(env, args)) {
    FUZZ_CHECK(!sqsd->queue_url.empty());
    FUZZ_CHECK(sqsd->http_connections >= 1 && sqsd->http_connections <= 100);
    FUZZ_CHECK(sqsd->wait_time >= 0 && sqsd->wait_time <= 20);
    FUZZ_CHECK(check_log_level(sqsd->log_level).has_value());
  } else {
    FUZZ_CHECK(!sqsd.error().message.empty());
  }
  return 0;
}
