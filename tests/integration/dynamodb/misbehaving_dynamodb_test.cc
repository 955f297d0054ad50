// The DynamoDB client against servers on loopback that answer as DynamoDB does when things go
// wrong, and as it never does: which errors are sent again (throttling, 5xx, transport) and which
// are final (a failed condition is an outcome; validation, access, a missing table are errors);
// answers that are not JSON, nested past any limit, of the wrong shape, too large or cut short,
// each one error and no crash; and a conditional write whose answer is lost after it took effect,
// read back by the coordination table so the writer still counts it as won.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "dynamodb/dynamodb_client.h"
#include "dynamodb/lease_table.h"
#include "support/dynalite_process.h"
#include "support/fake_http_server.h"
#include "support/fauxqs_process.h"

namespace ebworker::testing {
namespace {

using namespace std::chrono_literals;

constexpr int kAttempts = 4;

Response dynamo_answer(std::string json, int status = 200) {
  Response r{status, std::move(json), "", {}, ""};
  r.headers.add("Content-Type", "application/x-amz-json-1.0");
  return r;
}

Response dynamo_error(int status, const std::string& code, const std::string& message = "it went wrong") {
  return dynamo_answer(R"({"__type":"com.amazonaws.dynamodb.v20120810#)" + code + R"(","message":")" + message + "\"}",
                       status);
}

// Answers the n-th request (0-based) with answers[n], every later one with `then`.
FakeHttpServer::Script in_turn(std::vector<Response> answers, Response then = dynamo_answer("{}")) {
  auto count = std::make_shared<std::atomic<std::size_t>>(0);
  return [answers = std::move(answers), then = std::move(then), count](const Request&) {
    const std::size_t n = (*count)++;
    return n < answers.size() ? answers[n] : then;
  };
}

DynamoClient client_for(const std::string& url, int attempts = kAttempts) {
  DynamoClientOptions options;
  options.credentials = fauxqs_credentials();
  options.endpoint = {url + "/", "us-east-1"};
  options.retry = {.max_attempts = attempts, .base_delay = 1ms, .max_delay = 2ms};
  options.request_timeout = 5s;
  return DynamoClient(std::move(options));
}

const Item kKey{{"pk", AttributeValue::s("a")}};

// ---- what is sent again, and what is not ----

struct RetryCase {
  const char* name;
  Response first;   // the answer to the first request; every later one succeeds
  bool retried;
};

TEST(MisbehavingDynamo, ThrottlingAnd5xxAreSentAgainOther4xxAreNot) {
  const std::vector<RetryCase> cases = {
      {"ThrottlingException", dynamo_error(400, "ThrottlingException"), true},
      {"ProvisionedThroughputExceeded", dynamo_error(400, "ProvisionedThroughputExceededException"), true},
      {"RequestLimitExceeded", dynamo_error(400, "RequestLimitExceeded"), true},
      {"429 without a body", dynamo_answer("", 429), true},
      {"500 InternalServerError", dynamo_error(500, "InternalServerError"), true},
      {"503 from a proxy, HTML", dynamo_answer("<html>Service Unavailable</html>", 503), true},
      {"ValidationException", dynamo_error(400, "ValidationException"), false},
      {"AccessDeniedException", dynamo_error(400, "AccessDeniedException"), false},
      {"ResourceNotFoundException", dynamo_error(400, "ResourceNotFoundException"), false},
      {"400 from a proxy, HTML", dynamo_answer("<html>Bad Request</html>", 400), false},
  };
  for (const auto& c : cases) {
    FakeHttpServer server(in_turn({c.first}));
    auto put = client_for(server.url()).put_item("t", kKey);
    EXPECT_EQ(server.requests().size(), c.retried ? 2u : 1u) << c.name;
    if (c.retried) {
      EXPECT_TRUE(put) << c.name << ": " << put.error().describe();
    } else {
      ASSERT_FALSE(put) << c.name;
      EXPECT_FALSE(put.error().retryable()) << c.name;
      EXPECT_EQ(put.error().attempts, 1) << c.name;
      EXPECT_EQ(put.error().http_status, 400) << c.name;
    }
  }
}

TEST(MisbehavingDynamo, AFailedConditionIsAnOutcomeAskedOnce) {
  FakeHttpServer server(in_turn({dynamo_error(400, "ConditionalCheckFailedException", "The conditional request failed")}));
  auto put = client_for(server.url()).put_item("t", kKey, {"attribute_not_exists(#pk)", {{"#pk", "pk"}}, {}});
  ASSERT_TRUE(put) << put.error().describe();
  EXPECT_EQ(*put, WriteOutcome::condition_failed);
  EXPECT_EQ(server.requests().size(), 1u);
}

TEST(MisbehavingDynamo, ErrorsAreNamedByKind) {
  FakeHttpServer not_found(in_turn({dynamo_error(400, "ResourceNotFoundException", "Requested resource not found")}));
  auto missing = client_for(not_found.url()).describe_table("t");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().kind, AwsErrorKind::client);
  EXPECT_EQ(missing.error().code, "ResourceNotFoundException");

  FakeHttpServer html(in_turn({dynamo_answer("<html>Bad Request</html>", 400)}));
  auto refused = client_for(html.url()).get_item("t", kKey);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, AwsErrorKind::client);
  EXPECT_EQ(refused.error().code, "");
  EXPECT_NE(refused.error().describe().find("unexpected answer: <html>Bad Request</html>"), std::string::npos)
      << refused.error().describe();
}

TEST(MisbehavingDynamo, ServerErrorsStopAtTheAttemptLimit) {
  FakeHttpServer server([](const Request&) { return dynamo_error(500, "InternalServerError", "down"); });
  auto got = client_for(server.url()).get_item("t", kKey);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, AwsErrorKind::server);
  EXPECT_EQ(got.error().service, "DynamoDB");
  EXPECT_EQ(got.error().attempts, kAttempts);
  EXPECT_EQ(server.requests().size(), static_cast<size_t>(kAttempts));
  EXPECT_NE(got.error().describe().find("GetItem t: InternalServerError (HTTP 500): down (after 4 attempts)"),
            std::string::npos)
      << got.error().describe();
}

// ---- answers no DynamoDB gives ----

TEST(MisbehavingDynamo, UnreadableItemAnswersAreOneErrorEach) {
  const std::vector<std::pair<const char*, std::string>> answers = {
      {"not JSON", "not json at all"},
      {"an array", "[]"},
      {"nested 300,000 deep", std::string(300000, '[') + std::string(300000, ']')},
      {"Item nested 300,000 deep", R"({"Item":)" + std::string(300000, '[') + std::string(300000, ']') + "}"},
      {"Item not an object", R"({"Item":[1,2]})"},
      {"a value of another type", R"({"Item":{"pk":{"BOOL":true}}})"},
      {"a value not a string", R"({"Item":{"pk":{"S":5}}})"},
      {"a value of two types", R"({"Item":{"pk":{"S":"a","N":"1"}}})"},
      {"a value not an object", R"({"Item":{"pk":"a"}})"},
      {"cut mid-way", R"({"Item":{"pk":{"S":"a")"},
  };
  for (const auto& [name, body] : answers) {
    FakeHttpServer server([body = body](const Request&) { return dynamo_answer(body); });
    auto got = client_for(server.url()).get_item("t", kKey);
    ASSERT_FALSE(got) << name;
    EXPECT_EQ(got.error().kind, AwsErrorKind::server) << name;
    EXPECT_NE(got.error().describe().find("GetItem t: HTTP 200: unreadable answer"), std::string::npos)
        << name << ": " << got.error().describe();
    EXPECT_EQ(server.requests().size(), 1u) << name << ": an answer read wrong is not a reason to write again";
  }
  FakeHttpServer empty([](const Request&) { return dynamo_answer("{}"); });
  auto none = client_for(empty.url()).get_item("t", kKey);
  ASSERT_TRUE(none) << none.error().describe();
  EXPECT_FALSE(*none) << "{} is DynamoDB's answer for no such item";
}

TEST(MisbehavingDynamo, UnreadableTableAnswersAreErrors) {
  for (const std::string body : {R"({"Table":{}})", R"({"Table":"ACTIVE"})", R"({"Table":{"TableStatus":7}})", "{}"}) {
    FakeHttpServer server([body](const Request&) { return dynamo_answer(body); });
    auto status = client_for(server.url()).describe_table("t");
    ASSERT_FALSE(status) << body;
    EXPECT_NE(status.error().describe().find("DescribeTable t: HTTP 200: unreadable answer"), std::string::npos)
        << status.error().describe();
  }
}

TEST(MisbehavingDynamo, AnErrorAnswerNestedPastTheLimitIsStillAnError) {
  FakeHttpServer server([](const Request&) { return dynamo_answer(std::string(300000, '{'), 400); });
  auto put = client_for(server.url()).put_item("t", kKey);
  ASSERT_FALSE(put);
  EXPECT_EQ(put.error().kind, AwsErrorKind::client);
  EXPECT_EQ(put.error().http_status, 400);
  EXPECT_LT(put.error().describe().size(), 400u) << "the answer is quoted, not copied whole";
}

TEST(MisbehavingDynamo, AnAnswerPastAMegabyteIsRefusedUnread) {
  const std::string two_megabytes = R"({"Item":{"pk":{"S":")" + std::string(2 << 20, 'x') + "\"}}}";
  FakeHttpServer server([&](const Request&) { return dynamo_answer(two_megabytes); });
  auto got = client_for(server.url(), 2).get_item("t", kKey);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, AwsErrorKind::transport);
  EXPECT_NE(got.error().describe().find("over 1048576 bytes"), std::string::npos) << got.error().describe();
}

// An HTTP/1.1 server that reads one request per connection and answers 200 with a body shorter
// than its Content-Length, then closes: the answer cut by a dying connection.
class CutShortServer {
 public:
  CutShortServer() {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof addr;
    if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 || ::listen(fd_, 16) != 0 ||
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0)
      throw std::runtime_error("cannot listen");
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] { serve(); });
  }
  ~CutShortServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int answered() const { return answered_; }

 private:
  void serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      const int c = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (c < 0) continue;
      std::string request;
      char buffer[4096];
      // The headers and the body the Content-Length announces, each read bounded by 2 s.
      for (;;) {
        const auto head_end = request.find("\r\n\r\n");
        if (head_end != std::string::npos) {
          const auto cl = request.find("Content-Length: ");
          const std::size_t length = cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
          if (request.size() >= head_end + 4 + length) break;
        }
        pollfd in{c, POLLIN, 0};
        if (::poll(&in, 1, 2000) <= 0) break;
        const ssize_t n = ::read(c, buffer, sizeof buffer);
        if (n <= 0) break;
        request.append(buffer, static_cast<std::size_t>(n));
      }
      const std::string answer =
          "HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 1000\r\n\r\n{\"Item\":{\"pk\"";
      [[maybe_unused]] const ssize_t written = ::write(c, answer.data(), answer.size());
      ::close(c);
      ++answered_;
    }
  }

  int fd_ = -1;
  std::uint16_t port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> answered_{0};
  std::thread thread_;
};

TEST(MisbehavingDynamo, AnAnswerCutShortIsATransportErrorSentAgain) {
  CutShortServer server;
  auto got = client_for(server.url(), 3).get_item("t", kKey);
  ASSERT_FALSE(got);
  EXPECT_EQ(got.error().kind, AwsErrorKind::transport) << got.error().describe();
  EXPECT_EQ(got.error().attempts, 3);
  EXPECT_EQ(server.answered(), 3);
}

// ---- a lost answer to a conditional write ----

// In front of dynalite: forwards every request; the first `lose` PutItem requests reach dynalite
// (the write takes effect) but their answer is replaced by a 500, as when it is lost on the way.
class LosingProxy {
 public:
  LosingProxy(const DynaliteProcess& dynalite, int lose) : upstream_(dynalite.endpoint()), lose_(lose) {}
  std::string url() const { return server_.url(); }
  int puts() const { return puts_; }

 private:
  Response forward(const Request& r) {
    const std::string target(r.headers.get("X-Amz-Target"));
    HttpRequest request;
    request.method = "POST";
    request.url = upstream_;
    request.headers = {"Content-Type: application/x-amz-json-1.0", "X-Amz-Target: " + target};
    request.body = r.body;
    request.direct = true;
    request.sigv4 = SigV4{"us-east-1", "dynamodb", "AKIDEXAMPLE", "secret", ""};
    auto reply = http_.perform(request);
    if (!reply) return dynamo_error(502, "BadGateway", reply.error().message);
    if (target.ends_with(".PutItem") && puts_++ < lose_) return dynamo_error(500, "InternalServerError", "lost");
    return dynamo_answer(reply->body, static_cast<int>(reply->status));
  }

  std::string upstream_;
  int lose_;
  std::atomic<int> puts_{0};
  HttpClient http_;
  FakeHttpServer server_{[this](const Request& r) { return forward(r); }};
};

std::shared_ptr<const LeaseTable> table_through(const LosingProxy& proxy) {
  return std::make_shared<LeaseTable>(std::make_shared<DynamoClient>(client_for(proxy.url(), 3)), "coordination");
}

TEST(MisbehavingDynamo, AClaimWhoseAnswerWasLostIsReadBackAndWon) {
  DynaliteProcess dynalite;
  dynalite.table("coordination");
  LosingProxy proxy(dynalite, 1);
  const auto table = table_through(proxy);
  const auto until = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()) + 60s;

  // The first PutItem wrote; its answer was lost; the retry finds the item there (condition
  // failed); the read-back sees a's own holder: won, once.
  auto claimed = table->claim("run#Report#2031-03-04T05:06:00Z", "daemon-a/1", until);
  ASSERT_TRUE(claimed) << claimed.error().describe();
  EXPECT_TRUE(*claimed) << "a's own write, whose answer was lost, was counted as someone else's";
  EXPECT_EQ(proxy.puts(), 2);

  // Another daemon's claim of the same run: refused, and the read-back does not make it a win.
  auto other = table->claim("run#Report#2031-03-04T05:06:00Z", "daemon-b/2", until);
  ASSERT_TRUE(other) << other.error().describe();
  EXPECT_FALSE(*other);
  EXPECT_EQ((*table->read("run#Report#2031-03-04T05:06:00Z"))->holder, "daemon-a/1");

  // A lease taken the same way (take's condition allows its own holder, so the retry writes).
  LosingProxy again(dynalite, 1);
  auto taken = table_through(again)->take(leader_key("jobs"), "daemon-a", until - 60s, until);
  ASSERT_TRUE(taken) << taken.error().describe();
  EXPECT_TRUE(*taken);
}

}  // namespace
}  // namespace ebworker::testing
