#pragma once
// Scripting a FakeHttpServer as SQS: answers in SQS's JSON shapes, with MD5s computed from the
// request (or deliberately wrong), and a client configured to talk to it.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include <ebworker/client/client.h>
#include <ebworker/worker/response.h>

#include "aws/credentials_chain.h"
#include "support/fake_http_server.h"

namespace ebworker::testing {

inline constexpr const char* kTestSecret = "test-secret-key-base-0123456789abcdef";  // >= 32 bytes

// Static test keys (SigV4 needs some; fakes and fauxqs check none).
std::shared_ptr<CredentialsProvider> test_credentials(std::string session_token = "");

// A queue URL on the fake: http://127.0.0.1:PORT/000000000000/NAME.
std::string queue_url_on(const FakeHttpServer& server, const std::string& name = "jobs");

// A client for `server`: endpoint and region set, quick retries (1–2 ms waits), 4 attempts.
ClientConfig client_config_for(const FakeHttpServer& server, const std::string& queue = "jobs");

// Which SQS action a captured request asked for ("SendMessage"), from X-Amz-Target.
std::string action_of(const CapturedRequest& request);

Response sqs_answer(std::string json, int status = 200);
Response sqs_error(int status, const std::string& code, const std::string& message,
                   const std::string& query_error = "");

// A correct SendMessage answer for `request_body`: MD5s of the body and attributes sent.
std::string send_answer_for(const std::string& request_body);

struct FailedEntry {
  bool sender_fault = true;
  std::string code = "InvalidParameterValue";
};

// A SendMessageBatch answer: the entries named in `failed` failed, the others succeeded with
// correct MD5s.
std::string batch_answer_for(const std::string& request_body,
                             const std::map<std::string, FailedEntry>& failed = {});

// The MessageBody of each entry of a SendMessageBatch request, in order.
std::vector<std::string> batch_bodies(const std::string& request_body);

}  // namespace ebworker::testing
