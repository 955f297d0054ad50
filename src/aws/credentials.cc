#include "aws/credentials.h"

#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>

#include "aws/container_credentials.h"
#include "aws/environment_credentials.h"
#include "aws/imds_credentials.h"
#include "aws/shared_credentials_file.h"
#include "net/http_client.h"

namespace ebworker {

namespace {

class StaticCredentials final : public CredentialsProvider {
 public:
  explicit StaticCredentials(AwsCredentials credentials) : credentials_(std::move(credentials)) {}
  Result<AwsCredentials> get() override { return credentials_; }

 private:
  const AwsCredentials credentials_;
};

class CredentialsChain final : public CredentialsProvider {
 public:
  CredentialsChain(std::vector<std::unique_ptr<CredentialsSource>> sources, CredentialsChainOptions options)
      : sources_(std::move(sources)), options_(std::move(options)) {
    if (!options_.clock) options_.clock = [] { return std::chrono::system_clock::now(); };
  }

  Result<AwsCredentials> get() override {
    // One fetch at a time: callers arriving during a fetch wait for its result.
    std::lock_guard lock(mutex_);
    const auto now = options_.clock();
    if (cached_ && !due_for_refresh(*cached_, now)) return *cached_;

    std::string reasons;
    if (cached_) {
      // Refreshing: first the source that gave the current credentials, then the others.
      if (try_source(cached_from_, reasons)) return *cached_;
    }
    for (size_t i = 0; i < sources_.size(); ++i) {
      if (cached_ && i == cached_from_) continue;
      if (try_source(i, reasons)) return *cached_;
    }

    if (cached_ && cached_->expiration && *cached_->expiration > now) {
      spdlog::warn("could not refresh AWS credentials from {} ({}); using the current ones until they expire",
                   sources_[cached_from_]->name(), reasons);
      return *cached_;
    }
    cached_.reset();
    if (sources_.empty()) return fail("no AWS credentials: no sources to ask");
    return fail("no AWS credentials: " + reasons);
  }

 private:
  bool due_for_refresh(const AwsCredentials& c, std::chrono::system_clock::time_point now) const {
    return c.expiration && *c.expiration - options_.refresh_window <= now;
  }

  // On success the credentials are cached and true returned; on failure the reason is appended.
  bool try_source(size_t index, std::string& reasons) {
    CredentialsSource& source = *sources_[index];
    auto fetched = source.fetch();
    if (!fetched) {
      if (!reasons.empty()) reasons += "; ";
      reasons += std::string(source.name()) + ": " + fetched.error().message;
      return false;
    }
    if (!cached_ || cached_from_ != index)
      spdlog::info("AWS credentials from {}", source.name());
    else
      spdlog::debug("AWS credentials refreshed from {}", source.name());
    cached_ = std::move(*fetched);
    cached_from_ = index;
    return true;
  }

  std::vector<std::unique_ptr<CredentialsSource>> sources_;
  CredentialsChainOptions options_;
  std::mutex mutex_;
  std::optional<AwsCredentials> cached_;
  size_t cached_from_ = 0;
};

}  // namespace

std::shared_ptr<CredentialsProvider> static_credentials(AwsCredentials credentials) {
  return std::make_shared<StaticCredentials>(std::move(credentials));
}

std::shared_ptr<CredentialsProvider> credentials_chain(std::vector<std::unique_ptr<CredentialsSource>> sources,
                                                       CredentialsChainOptions options) {
  return std::make_shared<CredentialsChain>(std::move(sources), std::move(options));
}

std::shared_ptr<CredentialsProvider> default_credentials_chain(const Environment& env) {
  return default_credentials_chain(env, DefaultChainOptions{});
}

std::shared_ptr<CredentialsProvider> default_credentials_chain(const Environment& env, DefaultChainOptions options) {
  if (!options.http) options.http = std::make_shared<HttpClient>();
  std::vector<std::unique_ptr<CredentialsSource>> sources;
  sources.push_back(environment_credentials(env));
  sources.push_back(shared_credentials_file(env));
  sources.push_back(container_credentials(env, options.http));
  sources.push_back(imds_credentials(env, options.http));
  return credentials_chain(std::move(sources), std::move(options.chain));
}

}  // namespace ebworker
