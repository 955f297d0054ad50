#include <gtest/gtest.h>

#include <atomic>
#include <latch>
#include <thread>
#include <vector>

#include "aws/credentials_chain.h"
#include "credentials_test_support.h"
#include "net/http_client.h"
#include "support/fake_http_server.h"

namespace ebworker {
namespace {

using namespace std::chrono_literals;
using testing::FakeClock;
using testing::FakeHttpServer;
using testing::TempDir;

// What a fake service answers; the test changes it between calls.
class Answer {
 public:
  void set(int status, std::string body) {
    std::lock_guard lock(mutex_);
    status_ = status;
    body_ = std::move(body);
  }
  Response get() const {
    std::lock_guard lock(mutex_);
    return Response{status_, body_, "", {}};
  }

 private:
  mutable std::mutex mutex_;
  int status_ = 500;
  std::string body_;
};

// Every source of the default chain set up, each with its own access key id, against servers
// on loopback and a clock the test moves.
class CredentialsChainTest : public ::testing::Test {
 protected:
  CredentialsChainTest()
      : container_([this](const Request&) { return container_answer_.get(); }),
        imds_([this](const Request& r) {
          if (r.method == "PUT" && r.path == "/latest/api/token") return Response::ok("imds-session");
          if (r.headers.get("X-aws-ec2-metadata-token") != "imds-session") return Response{401, "", "", {}};
          if (r.path == "/latest/meta-data/iam/security-credentials/") return Response::ok("role");
          if (r.path == "/latest/meta-data/iam/security-credentials/role") return imds_answer_.get();
          return Response{404, "", "", {}};
        }) {
    home_.write(".aws/credentials", "[default]\naws_access_key_id = AKIAFILE\naws_secret_access_key = file-secret\n");
    container_answer_.set(200, container_json("ASIACONTAINER", 6h));
    imds_answer_.set(200, testing::credentials_json("ASIAIMDS", "imds-secret", "imds-token",
                                                    testing::iso_seconds(clock_.now() + 6h)));
  }

  std::string container_json(const std::string& key_id, std::chrono::system_clock::duration valid_for) {
    return testing::credentials_json(key_id, "container-secret", "container-token",
                                     testing::iso_seconds(clock_.now() + valid_for));
  }

  Environment everything() const {
    return {{"HOME", home_.path().string()},
            {"AWS_ACCESS_KEY_ID", "AKIAENV"},
            {"AWS_SECRET_ACCESS_KEY", "env-secret"},
            {"AWS_CONTAINER_CREDENTIALS_FULL_URI", container_.url() + "/creds"},
            {"AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth"},
            {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_.url()},
            // The stand-in answers at once, but a loaded machine (ThreadSanitizer beside the e2e
            // tests) can take longer than the 2 s default to run it.
            {"AWS_METADATA_SERVICE_TIMEOUT", "60"}};
  }
  // Only the container and instance metadata services.
  Environment services() const {
    Environment env = everything();
    env.erase("AWS_ACCESS_KEY_ID");
    env.erase("AWS_SECRET_ACCESS_KEY");
    env["HOME"] = empty_home_.path().string();
    return env;
  }
  Environment instance_only() const {
    Environment env = services();
    env.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    return env;
  }

  std::shared_ptr<CredentialsProvider> chain(const Environment& env) {
    return default_credentials_chain(env, DefaultChainOptions{.chain = {.clock = clock_.clock()}, .http = http_});
  }

  std::string key_id(CredentialsProvider& provider) {
    auto got = provider.get();
    if (!got) return "error: " + got.error().message;
    return got->access_key_id;
  }

  TempDir home_;
  TempDir empty_home_;
  FakeClock clock_{testing::at("2026-11-23T11:00:00Z")};
  Answer container_answer_;
  Answer imds_answer_;
  FakeHttpServer container_;
  FakeHttpServer imds_;
  std::shared_ptr<HttpClient> http_ = std::make_shared<HttpClient>();
};

TEST_F(CredentialsChainTest, EnvironmentBeatsFileBeatsContainerBeatsInstance) {
  Environment env = everything();
  EXPECT_EQ(key_id(*chain(env)), "AKIAENV");

  env.erase("AWS_ACCESS_KEY_ID");
  env.erase("AWS_SECRET_ACCESS_KEY");
  EXPECT_EQ(key_id(*chain(env)), "AKIAFILE");
  EXPECT_TRUE(container_.requests().empty());
  EXPECT_TRUE(imds_.requests().empty());

  env["HOME"] = empty_home_.path().string();
  EXPECT_EQ(key_id(*chain(env)), "ASIACONTAINER");
  EXPECT_EQ(container_.requests().size(), 1u);
  EXPECT_TRUE(imds_.requests().empty());

  env.erase("AWS_CONTAINER_CREDENTIALS_FULL_URI");
  EXPECT_EQ(key_id(*chain(env)), "ASIAIMDS");
  EXPECT_EQ(imds_.requests().size(), 3u);
}

TEST_F(CredentialsChainTest, SecondGetIsServedFromTheCache) {
  auto from_container = chain(services());
  auto first = from_container->get();
  auto second = from_container->get();
  ASSERT_TRUE(first && second);
  EXPECT_EQ(second->access_key_id, "ASIACONTAINER");
  EXPECT_EQ(second->secret_access_key, first->secret_access_key);
  EXPECT_EQ(container_.requests().size(), 1u);

  auto from_instance = chain(instance_only());
  EXPECT_EQ(key_id(*from_instance), "ASIAIMDS");
  EXPECT_EQ(key_id(*from_instance), "ASIAIMDS");
  EXPECT_EQ(imds_.requests().size(), 3u);
}

TEST_F(CredentialsChainTest, CredentialsWithoutExpirationAreKeptForGood) {
  auto provider = chain(everything());
  EXPECT_EQ(key_id(*provider), "AKIAENV");
  clock_.advance(24h * 365);
  EXPECT_EQ(key_id(*provider), "AKIAENV");
}

TEST_F(CredentialsChainTest, ExpiringWithinFiveMinutesIsFetchedAgain) {
  container_answer_.set(200, container_json("ASIAFIRST", 1min));
  auto provider = chain(services());
  EXPECT_EQ(key_id(*provider), "ASIAFIRST");
  container_answer_.set(200, container_json("ASIASECOND", 1h));
  EXPECT_EQ(key_id(*provider), "ASIASECOND");
  EXPECT_EQ(container_.requests().size(), 2u);
}

TEST_F(CredentialsChainTest, ExpiringInAnHourIsCachedUntilFiveMinutesBefore) {
  container_answer_.set(200, container_json("ASIAFIRST", 1h));
  auto provider = chain(services());
  EXPECT_EQ(key_id(*provider), "ASIAFIRST");
  container_answer_.set(200, container_json("ASIASECOND", 2h));
  EXPECT_EQ(key_id(*provider), "ASIAFIRST");
  clock_.advance(54min);  // 6 minutes left
  EXPECT_EQ(key_id(*provider), "ASIAFIRST");
  EXPECT_EQ(container_.requests().size(), 1u);
  clock_.advance(2min);  // 4 minutes left
  EXPECT_EQ(key_id(*provider), "ASIASECOND");
  EXPECT_EQ(container_.requests().size(), 2u);
}

TEST_F(CredentialsChainTest, RefreshAsksTheSameSourceFirstThenTheChain) {
  container_answer_.set(200, container_json("ASIACONTAINER", 1min));
  auto provider = chain(services());
  EXPECT_EQ(key_id(*provider), "ASIACONTAINER");
  EXPECT_TRUE(imds_.requests().empty());

  container_answer_.set(500, "");
  EXPECT_EQ(key_id(*provider), "ASIAIMDS");
  EXPECT_EQ(container_.requests().size(), 2u);
  EXPECT_EQ(imds_.requests().size(), 3u);
}

TEST_F(CredentialsChainTest, FailedRefreshKeepsCredentialsUntilTheyExpire) {
  container_answer_.set(200, container_json("ASIACONTAINER", 1min));
  Environment env = services();
  env["AWS_EC2_METADATA_DISABLED"] = "true";
  auto provider = chain(env);
  EXPECT_EQ(key_id(*provider), "ASIACONTAINER");

  container_answer_.set(503, "");
  EXPECT_EQ(key_id(*provider), "ASIACONTAINER");  // still valid for a minute
  clock_.advance(2min);                            // now expired
  auto got = provider->get();
  ASSERT_FALSE(got);
  EXPECT_NE(got.error().message.find("container: " + container_.url() + "/creds answered HTTP 503"),
            std::string::npos)
      << got.error().message;
  // A later success is taken again, once the failure's few seconds in the cache are over.
  container_answer_.set(200, container_json("ASIABACK", 1h));
  clock_.advance(6s);
  EXPECT_EQ(key_id(*provider), "ASIABACK");
}

TEST_F(CredentialsChainTest, NothingFoundListsEverySourceAndFailsFast) {
  TempDir empty_home;
  const std::string imds_url = "http://127.0.0.1:" + std::to_string(testing::closed_port());
  auto provider = chain(Environment{{"HOME", empty_home.path().string()},
                                    {"AWS_EC2_METADATA_SERVICE_ENDPOINT", imds_url}});
  const auto start = std::chrono::steady_clock::now();
  auto got = provider->get();
  const auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(got);
  EXPECT_LT(took, 3s);  // a bound, not a benchmark

  const std::string& message = got.error().message;
  EXPECT_EQ(message.rfind("no AWS credentials: ", 0), 0u) << message;
  const std::vector<std::string> parts = {
      "environment: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set",
      "shared credentials file: " + (empty_home.path() / ".aws/credentials").string() + " does not exist",
      "container: AWS_CONTAINER_CREDENTIALS_RELATIVE_URI and AWS_CONTAINER_CREDENTIALS_FULL_URI are not set",
      "instance metadata (IMDSv2): token request failed"};
  size_t at = 0;
  for (const auto& part : parts) {
    const auto found = message.find(part, at);
    EXPECT_NE(found, std::string::npos) << "missing, or out of order: " << part << "\nin: " << message;
    if (found != std::string::npos) at = found + part.size();
  }
  EXPECT_NE(message.find(imds_url), std::string::npos) << message;
}

TEST_F(CredentialsChainTest, AFailureIsCachedBrieflyThenAskedAgain) {
  TempDir home;
  auto provider = chain(Environment{{"HOME", home.path().string()}, {"AWS_EC2_METADATA_DISABLED", "true"}});
  const auto first = provider->get();
  ASSERT_FALSE(first);
  home.write(".aws/credentials", "[default]\naws_access_key_id = AKIALATE\naws_secret_access_key = s\n");
  // Within the failure's 5 s nobody asks the sources again: the same answer, at once.
  clock_.advance(4s);
  const auto cached = provider->get();
  ASSERT_FALSE(cached);
  EXPECT_EQ(cached.error().message, first.error().message);
  clock_.advance(2s);
  EXPECT_EQ(key_id(*provider), "AKIALATE");
}

// A failing instance metadata service is asked once per failure window, however many callers.
TEST_F(CredentialsChainTest, ManyCallersDuringAFailureAskTheServiceOnce) {
  imds_answer_.set(503, "");
  auto provider = chain(instance_only());
  for (int i = 0; i < 20; ++i) EXPECT_FALSE(provider->get());
  const size_t asked = imds_.requests().size();
  EXPECT_GE(asked, 1u);
  EXPECT_LE(asked, 3u);  // one round: token, role, document at most
}

// A refresh that hangs on the network holds up nobody who still has valid credentials.
TEST(CredentialsChainLocking, ARefreshInProgressDoesNotBlockCallersWithValidCredentials) {
  struct Slow : CredentialsSource {
    std::string_view name() const override { return "slow"; }
    Result<AwsCredentials> fetch() override {
      const int n = ++calls;
      if (n == 2) {
        in_fetch.count_down();
        release.wait();
      }
      return AwsCredentials{"AKIA" + std::to_string(n), "s", "", expires};
    }
    std::atomic<int> calls{0};
    std::latch in_fetch{1};
    std::latch release{1};
    std::chrono::system_clock::time_point expires;
  };
  auto now = std::make_shared<std::atomic<std::chrono::system_clock::time_point>>(testing::at("2026-11-23T11:00:00Z"));
  auto source = std::make_unique<Slow>();
  Slow* slow = source.get();
  slow->expires = now->load() + 10min;
  std::vector<std::unique_ptr<CredentialsSource>> sources;
  sources.push_back(std::move(source));
  auto provider = credentials_chain(std::move(sources), {.clock = [now] { return now->load(); }});
  ASSERT_TRUE(provider->get());  // fetch 1: valid 10 minutes

  now->store(now->load() + 6min);  // within the 5-minute refresh window, still valid
  std::thread refresher([&] { EXPECT_EQ(provider->get()->access_key_id, "AKIA2"); });
  slow->in_fetch.wait();  // fetch 2 is on the network now
  const auto got = provider->get();
  ASSERT_TRUE(got);
  EXPECT_EQ(got->access_key_id, "AKIA1");  // the current ones, without waiting
  slow->release.count_down();
  refresher.join();
  EXPECT_EQ(slow->calls.load(), 2);
}

TEST_F(CredentialsChainTest, ConcurrentGetsShareOneFetch) {
  auto provider = chain(instance_only());
  constexpr int kThreads = 8;
  std::latch start(kThreads);
  std::vector<std::string> got(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i)
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      got[i] = key_id(*provider);
    });
  for (auto& t : threads) t.join();
  for (const auto& id : got) EXPECT_EQ(id, "ASIAIMDS");
  EXPECT_EQ(imds_.requests().size(), 3u);  // one token, one role, one document
}

TEST_F(CredentialsChainTest, TheChainAsksItsOwnSourcesInOrder) {
  struct Named : CredentialsSource {
    Named(std::string n, bool has, std::vector<std::string>& log) : name_(std::move(n)), has_(has), log_(log) {}
    std::string_view name() const override { return name_; }
    Result<AwsCredentials> fetch() override {
      log_.push_back(name_);
      if (!has_) return fail("has none");
      return AwsCredentials{"AKIA" + name_, "s", "", std::nullopt};
    }
    std::string name_;
    bool has_;
    std::vector<std::string>& log_;
  };
  std::vector<std::string> asked;
  std::vector<std::unique_ptr<CredentialsSource>> sources;
  sources.push_back(std::make_unique<Named>("A", false, asked));
  sources.push_back(std::make_unique<Named>("B", true, asked));
  sources.push_back(std::make_unique<Named>("C", true, asked));
  auto provider = credentials_chain(std::move(sources));
  EXPECT_EQ(key_id(*provider), "AKIAB");
  EXPECT_EQ(key_id(*provider), "AKIAB");
  EXPECT_EQ(asked, (std::vector<std::string>{"A", "B"}));

  auto empty = credentials_chain({});
  EXPECT_FALSE(empty->get());
}

TEST(StaticCredentials, AlwaysTheSame) {
  auto provider = static_credentials(AwsCredentials{"AKIASTATIC", "s", "t", std::nullopt});
  for (int i = 0; i < 2; ++i) {
    auto got = provider->get();
    ASSERT_TRUE(got);
    EXPECT_EQ(got->access_key_id, "AKIASTATIC");
    EXPECT_EQ(got->session_token, "t");
  }
}

}  // namespace
}  // namespace ebworker
