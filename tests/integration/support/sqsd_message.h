#pragma once
// Requests shaped like aws-sqsd's (docs/wire-protocol.md, "The daemon's POST"): its User-Agent and
// X-Aws-Sqsd-* headers, the body, and the message-digest attribute made with ebworker::Signer.

#include <string>
#include <string_view>
#include <vector>

#include "envelope/signer.h"

namespace ebworker::testing {

// The key the tests' workers are started with (SECRET_KEY_BASE), and one they do not know.
inline constexpr std::string_view kTestKey = "integration-test-key-0123456789abcdef-0123456789";
inline constexpr std::string_view kOtherKey = "some-other-key-nobody-configured-0123456789abcdef";

Signer make_signer(std::string_view key = kTestKey);

struct SqsdMessage {
  std::string msgid;                 // X-Aws-Sqsd-Msgid, a fresh UUID
  std::string body;
  std::vector<std::string> headers;  // "Name: value"

  SqsdMessage& add_header(std::string line) {
    headers.push_back(std::move(line));
    return *this;
  }
};

// The headers aws-sqsd sends with every message, without any digest.
std::vector<std::string> sqsd_headers(std::string_view msgid);

// `body` as is, with no message-digest attribute.
SqsdMessage unsigned_message(std::string body);
// `body` with X-Aws-Sqsd-Attr-message-digest: signer.sign(body).
SqsdMessage signed_message(std::string body, const Signer& signer);
// A job envelope for `job_class` with `arguments_json` (a JSON array), signed.
SqsdMessage job_message(std::string_view job_class, std::string_view arguments_json, const Signer& signer);
// A job envelope with a digest header of the caller's choosing.
SqsdMessage job_message_with_digest(std::string_view job_class, std::string_view arguments_json,
                                    std::string_view digest);
// What aws-sqsd posts for a cron.yaml task: empty body, X-Aws-Sqsd-Taskname, never signed.
SqsdMessage periodic_message(std::string_view task_name);

std::string envelope_json(std::string_view job_class, std::string_view arguments_json);

}  // namespace ebworker::testing
