#pragma once
// An error answer of an AWS JSON-protocol service, read as AwsJsonClient reads it: what the
// harnesses of SQS's and DynamoDB's answers give their HTTP 400 to 527 inputs to.

#include <string>
#include <string_view>

#include <ebworker/worker/headers.h>

#include "aws/aws_error.h"
#include "fuzz_support.h"

namespace ebworker::fuzz {

// `rest` is the body of an answer with HTTP `status`; a first line starting
// "x-amzn-query-error:" becomes that header. Checked: classification follows the documented
// retry rule (throttling and 5xx retried, any other 4xx not); the code is what follows '#' in
// __type; describe() is one line.
inline void check_error_answer(long status, std::string_view rest) {
  Headers headers;
  constexpr std::string_view kHeader = "x-amzn-query-error:";
  if (rest.substr(0, kHeader.size()) == kHeader) {
    const auto eol = rest.find('\n');
    headers.add("x-amzn-query-error", std::string(rest.substr(kHeader.size(), eol - kHeader.size())));
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 1);
  }
  const AwsError e = aws_error_from_reply(status, headers, rest);
  FUZZ_CHECK(e.http_status == status);
  FUZZ_CHECK(!e.message.empty());
  const bool throttling = status == 429 || is_throttling_code(e.code) || is_throttling_code(e.query_code);
  if (throttling)
    FUZZ_CHECK(e.kind == AwsErrorKind::throttled);
  else if (status >= 500)
    FUZZ_CHECK(e.kind == AwsErrorKind::server);
  else
    FUZZ_CHECK(e.kind == AwsErrorKind::client);
  FUZZ_CHECK(e.retryable() == (throttling || status >= 500));
  FUZZ_CHECK(e.code.find('#') == std::string::npos);
  const std::string line = e.describe();
  FUZZ_CHECK(line.find('\n') == std::string::npos && line.find('\r') == std::string::npos);
}

}  // namespace ebworker::fuzz
