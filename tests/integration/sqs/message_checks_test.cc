// Checks before sending: each refusal is a clear error, and through the client nothing is sent.

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <chrono>

#include "fake_sqs.h"
#include "worker/worker_config.h"
#include "envelope/envelope.h"
#include "sqs/message_checks.h"

namespace ebworker {
namespace {

using testing::FakeHttpServer;

bool contains(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

OutgoingMessage message(std::string body = "{}") {
  OutgoingMessage m;
  m.body = std::move(body);
  return m;
}

TEST(RefusedCharacters, AllowedRanges) {
  EXPECT_EQ(find_refused_character("plain \t\r\n text"), std::string_view::npos);
  EXPECT_EQ(find_refused_character("\xC3\xA9\xE2\x82\xAC\xF0\x9F\x8E\x89"), std::string_view::npos);  // é € 🎉
  EXPECT_EQ(find_refused_character("\xED\x9F\xBF"), std::string_view::npos);      // U+D7FF
  EXPECT_EQ(find_refused_character("\xEE\x80\x80"), std::string_view::npos);      // U+E000
  EXPECT_EQ(find_refused_character("\xEF\xBF\xBD"), std::string_view::npos);      // U+FFFD
  EXPECT_EQ(find_refused_character("\xF4\x8F\xBF\xBF"), std::string_view::npos);  // U+10FFFF
}

TEST(RefusedCharacters, RefusedOnesAndTheirOffsets) {
  EXPECT_EQ(find_refused_character(std::string("ab\0c", 4)), 2u);  // NUL
  EXPECT_EQ(find_refused_character("ab\x01"), 2u);                  // control
  EXPECT_EQ(find_refused_character("a\x7F"), std::string_view::npos);  // DEL is allowed (#x20-#xD7FF)
  EXPECT_EQ(find_refused_character("x\xEF\xBF\xBE"), 1u);           // U+FFFE
  EXPECT_EQ(find_refused_character("x\xEF\xBF\xBF"), 1u);           // U+FFFF
  EXPECT_EQ(find_refused_character("\xED\xA0\x80"), 0u);            // a surrogate, U+D800
  EXPECT_EQ(find_refused_character("ok\xC3"), 2u);                  // truncated
  EXPECT_EQ(find_refused_character("\xC0\xAF"), 0u);                // overlong '/'
  EXPECT_EQ(find_refused_character("\xF4\x90\x80\x80"), 0u);        // past U+10FFFF
  EXPECT_EQ(find_refused_character("\xFF"), 0u);
}

TEST(MessageChecks, AGoodMessagePasses) {
  auto m = message();
  m.attributes = {{"message-digest", "String", "abc"}};
  m.delay_seconds = 900;
  EXPECT_TRUE(check_outgoing_message(m, false));
}

TEST(MessageChecks, SizeCountsBodyAndAttributes) {
  auto m = message(std::string(1000, 'x'));
  m.attributes = {{"name", "String", std::string(20, 'v')}};  // 4 + 6 + 20
  EXPECT_EQ(message_size(m), 1030u);
  EXPECT_TRUE(check_outgoing_message(m, false, {1030}));
  auto over = check_outgoing_message(m, false, {1029});
  ASSERT_FALSE(over);
  EXPECT_EQ(over.error().kind, SqsErrorKind::invalid_request);
  EXPECT_TRUE(contains(over.error().message, "1030 bytes")) << over.error().message;
  EXPECT_TRUE(contains(over.error().message, "1029")) << over.error().message;
  EXPECT_TRUE(contains(over.error().message, "EBWORKER_MAX_MESSAGE_BYTES")) << over.error().message;
}

TEST(MessageChecks, DelayOver900PointsToCron) {
  auto m = message();
  m.delay_seconds = 901;
  auto r = check_outgoing_message(m, false);
  ASSERT_FALSE(r);
  EXPECT_TRUE(contains(r.error().message, "900")) << r.error().message;
  EXPECT_TRUE(contains(r.error().message, "cron.yaml")) << r.error().message;
  m.delay_seconds = -1;
  EXPECT_FALSE(check_outgoing_message(m, false));
}

TEST(MessageChecks, FifoRules) {
  auto m = message();
  auto no_group = check_outgoing_message(m, true);
  ASSERT_FALSE(no_group);
  EXPECT_TRUE(contains(no_group.error().message, "group id")) << no_group.error().message;

  m.group_id = "g";
  EXPECT_TRUE(check_outgoing_message(m, true));
  m.delay_seconds = 5;
  auto delayed = check_outgoing_message(m, true);
  ASSERT_FALSE(delayed);
  EXPECT_TRUE(contains(delayed.error().message, "FIFO")) << delayed.error().message;

  m.delay_seconds = 0;  // no delay at all is fine
  EXPECT_TRUE(check_outgoing_message(m, true));
  m.delay_seconds.reset();
  m.group_id = "has space";
  EXPECT_FALSE(check_outgoing_message(m, true));
  m.group_id = std::string(129, 'g');
  EXPECT_FALSE(check_outgoing_message(m, true));
  m.group_id = "Jobs::Mailer";
  m.deduplication_id = "caf\xC3\xA9";
  EXPECT_FALSE(check_outgoing_message(m, true));
}

TEST(MessageChecks, CharactersInBodyAndAttributes) {
  auto body = check_outgoing_message(message("bad \x02 body"), false);
  ASSERT_FALSE(body);
  EXPECT_TRUE(contains(body.error().message, "U+0002 at byte 4")) << body.error().message;

  auto broken = check_outgoing_message(message("bad \xC3"), false);
  ASSERT_FALSE(broken);
  EXPECT_TRUE(contains(broken.error().message, "invalid UTF-8 at byte 4")) << broken.error().message;

  auto m = message();
  m.attributes = {{"a", "String", "x\x1b"}};
  EXPECT_FALSE(check_outgoing_message(m, false));
  m.attributes = {{"a", "Binary", std::string("\x00\x01", 2)}};  // raw bytes are fine in Binary
  EXPECT_TRUE(check_outgoing_message(m, false));
  m.attributes = {{"a", "Blob", "x"}};
  EXPECT_FALSE(check_outgoing_message(m, false));
  EXPECT_FALSE(check_outgoing_message(message(""), false));
}

TEST(MessageChecks, AtMostTenAttributes) {
  auto m = message();
  for (int i = 0; i < 11; ++i) m.attributes.push_back({"a" + std::to_string(i), "String", "v"});
  EXPECT_FALSE(check_outgoing_message(m, false));
  m.attributes.pop_back();
  EXPECT_TRUE(check_outgoing_message(m, false));
}

// Through the client: every refusal happens before a request is made.
class ClientChecks : public ::testing::Test {
 protected:
  FakeHttpServer server{[](const Request&) { return Response::ok(); }};

  Client client(ClientConfig c) {
    auto made = Client::create(std::move(c));
    if (!made) throw std::runtime_error(made.error().message);
    return std::move(made).value();
  }
  Client client() { return client(testing::client_config_for(server)); }

  void expect_refused(const SqsResult<Enqueued>& r, const std::string& part) {
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, SqsErrorKind::invalid_request) << r.error().describe();
    EXPECT_TRUE(contains(r.error().describe(), part)) << r.error().describe();
    EXPECT_EQ(r.error().attempts, 0);
  }
  void TearDown() override { EXPECT_TRUE(server.requests().empty()); }
};

TEST_F(ClientChecks, EnvelopeOverTheSizeLimit) {
  // The envelope plus its two attributes: ~200 bytes of envelope and digest around the arguments.
  auto c = testing::client_config_for(server);
  c.max_message_bytes = 2048;
  const std::string big = "[\"" + std::string(2048, 'x') + "\"]";
  expect_refused(client(c).enqueue("EchoJob", big), "over the limit of 2048 bytes");
}

// SQS's maximum, 1 MiB, which is also the worker's default largest body: a message the client
// sends is one the worker takes.
TEST_F(ClientChecks, DefaultLimitIsSqsMaximumAndTheWorkersBodyLimit) {
  EXPECT_EQ(kDefaultMaxMessageBytes, WorkerConfig{}.max_body);
  const std::string big = "[\"" + std::string(1048576, 'x') + "\"]";
  expect_refused(client().enqueue("EchoJob", big), "over the limit of 1048576 bytes (EBWORKER_MAX_MESSAGE_BYTES)");
}

TEST_F(ClientChecks, Delay) {
  EnqueueOptions o;
  o.delay_seconds = 366 * 24 * 3600 + 1;
  expect_refused(client().enqueue("EchoJob", "[]", o), "over a year; use cron.yaml");
  o.delay_seconds = -1;
  expect_refused(client().enqueue("EchoJob", "[]", o), "negative");
  o.delay_seconds = 10;
  o.run_at = std::chrono::system_clock::now();
  expect_refused(client().enqueue("EchoJob", "[]", o), "not both");
}

TEST_F(ClientChecks, ALongDelayOnFifo) {
  EnqueueOptions o;
  o.delay_seconds = 3600;
  o.queue_url = testing::queue_url_on(server, "jobs.fifo");
  expect_refused(client().enqueue("EchoJob", "[]", o), "FIFO");
}

// Past the per-hop maximum the message is delayed by that maximum, and its envelope says when the
// job is due; within it, the delay is the message's own and the envelope says nothing.
TEST(LongDelays, TravelWithTheirDueTime) {
  FakeHttpServer server([](const Request& r) { return testing::sqs_answer(testing::send_answer_for(r.body)); });
  auto config = testing::client_config_for(server);
  config.max_hop_delay = std::chrono::seconds(60);
  auto client = Client::create(config).value();
  const auto before = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  EnqueueOptions later;
  later.delay_seconds = 3600;
  ASSERT_TRUE(client.enqueue("EchoJob", "[]", later));
  EnqueueOptions soon;
  soon.delay_seconds = 30;
  ASSERT_TRUE(client.enqueue("EchoJob", "[]", soon));
  const auto requests = server.requests();
  ASSERT_EQ(requests.size(), 2u);
  rapidjson::Document sent;
  sent.Parse(requests[0].body.c_str());
  EXPECT_EQ(sent["DelaySeconds"].GetInt(), 60);
  auto envelope = Envelope::parse(sent["MessageBody"].GetString());
  ASSERT_TRUE(envelope);
  ASSERT_TRUE(envelope->scheduled_at.has_value());
  EXPECT_GE(*envelope->scheduled_at, before + std::chrono::seconds(3600));
  EXPECT_LE(*envelope->scheduled_at, before + std::chrono::seconds(3602));
  sent.Parse(requests[1].body.c_str());
  EXPECT_EQ(sent["DelaySeconds"].GetInt(), 30);
  EXPECT_EQ(std::string(sent["MessageBody"].GetString()).find("scheduled_at"), std::string::npos);
}

TEST_F(ClientChecks, DelayOnFifo) {
  EnqueueOptions o;
  o.delay_seconds = 10;
  o.queue_url = testing::queue_url_on(server, "jobs.fifo");
  expect_refused(client().enqueue("EchoJob", "[]", o), "FIFO");
}

TEST_F(ClientChecks, RefusedCharacterInArguments) {
  // JSON escapes control characters, so the body stays valid; U+FFFF goes through raw.
  expect_refused(client().enqueue("EchoJob", "[\"\xEF\xBF\xBF\"]"), "U+FFFF");
}

TEST_F(ClientChecks, FifoGroupIdThatSqsWouldRefuse) {
  EnqueueOptions o;
  o.queue_url = testing::queue_url_on(server, "jobs.fifo");
  o.group_id = "two words";
  expect_refused(client().enqueue("EchoJob", "[]", o), "group id");
}

TEST_F(ClientChecks, ArgumentsMustBeAJsonArray) {
  expect_refused(client().enqueue("EchoJob", "{\"a\":1}"), "array");
  expect_refused(client().enqueue("EchoJob", "[1,"), "invalid JSON");
}

TEST_F(ClientChecks, NoJobNoQueue) {
  expect_refused(client().enqueue("", "[]"), "name a job");
  auto c = testing::client_config_for(server);
  c.queue_url.clear();
  expect_refused(client(c).enqueue("EchoJob"), "EBWORKER_QUEUE_URL");
}

TEST_F(ClientChecks, BatchReportsEachRefusalAndSendsNothingForThem) {
  EnqueueOptions delayed;
  delayed.delay_seconds = -5;
  auto results = client().enqueue_batch({{"EchoJob", "[}", {}}, {"EchoJob", "[]", delayed}});
  ASSERT_EQ(results.size(), 2u);
  expect_refused(results[0], "invalid JSON");
  expect_refused(results[1], "negative");
}

TEST(ClientCreate, NeedsALongEnoughSecret) {
  ClientConfig c;
  c.credentials = testing::test_credentials();
  auto none = Client::create(c);
  ASSERT_FALSE(none);
  EXPECT_TRUE(contains(none.error().message, "SECRET_KEY_BASE")) << none.error().message;
  c.secret = "short";
  auto shortkey = Client::create(c);
  ASSERT_FALSE(shortkey);
  EXPECT_TRUE(contains(shortkey.error().message, "SECRET_KEY_BASE")) << shortkey.error().message;
  c.secret = testing::kTestSecret;
  c.queue_url = "not a url";
  EXPECT_FALSE(Client::create(c));
}

}  // namespace
}  // namespace ebworker
