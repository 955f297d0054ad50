#include <spdlog/spdlog.h>

#include <mutex>
#include <utility>

#include "aws/container_credentials.h"
#include "aws/credentials_chain.h"
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
    if (auto ready = from_cache(/*refresh_in_progress_ok=*/true)) return *ready;
    // One fetch at a time (sources are not thread-safe); whoever waits here re-checks the cache
    // afterwards, so concurrent callers share one fetch, and one failure.
    std::lock_guard fetching(fetch_mutex_);
    if (auto ready = from_cache(/*refresh_in_progress_ok=*/false)) return *ready;
    std::optional<size_t> first;
    {
      std::lock_guard lock(mutex_);
      refreshing_ = true;
      if (cached_) first = cached_from_;
    }
    // The network is asked with no lock held that a caller with usable credentials would wait on.
    std::string reasons;
    std::optional<std::pair<AwsCredentials, size_t>> found;
    if (first) found = try_source(*first, reasons);
    for (size_t i = 0; !found && i < sources_.size(); ++i)
      if (i != first) found = try_source(i, reasons);

    std::lock_guard lock(mutex_);
    refreshing_ = false;
    const auto now = options_.clock();
    if (found) {
      if (!cached_ || cached_from_ != found->second)
        spdlog::info("AWS credentials from {}", sources_[found->second]->name());
      else
        spdlog::debug("AWS credentials refreshed from {}", sources_[found->second]->name());
      cached_ = std::move(found->first);
      cached_from_ = found->second;
      failure_.reset();
      return *cached_;
    }
    if (still_valid(now)) {
      spdlog::warn("could not refresh AWS credentials from {} ({}); using the current ones until they expire",
                   sources_[cached_from_]->name(), reasons);
      return *cached_;
    }
    cached_.reset();
    failure_ = Failure{sources_.empty() ? "no AWS credentials: no sources to ask" : "no AWS credentials: " + reasons,
                       now + options_.failure_ttl};
    return fail(failure_->message);
  }

 private:
  struct Failure {
    std::string message;
    std::chrono::system_clock::time_point until;
  };

  // What the cache can answer without a fetch: fresh credentials; a failure of the last
  // failure_ttl (every source was just asked); or, while another thread refreshes, credentials
  // that are due for refresh but still valid.
  std::optional<Result<AwsCredentials>> from_cache(bool refresh_in_progress_ok) const {
    std::lock_guard lock(mutex_);
    const auto now = options_.clock();
    if (cached_ && !due_for_refresh(*cached_, now)) return Result<AwsCredentials>(*cached_);
    if (failure_ && now < failure_->until) return Result<AwsCredentials>(fail(failure_->message));
    if (refresh_in_progress_ok && refreshing_ && still_valid(now)) return Result<AwsCredentials>(*cached_);
    return std::nullopt;
  }

  bool due_for_refresh(const AwsCredentials& c, std::chrono::system_clock::time_point now) const {
    return c.expiration && *c.expiration - options_.refresh_window <= now;
  }
  bool still_valid(std::chrono::system_clock::time_point now) const {
    return cached_ && (!cached_->expiration || *cached_->expiration > now);
  }

  // The source's credentials, or nothing with the reason appended.
  std::optional<std::pair<AwsCredentials, size_t>> try_source(size_t index, std::string& reasons) {
    CredentialsSource& source = *sources_[index];
    auto fetched = source.fetch();
    if (!fetched) {
      if (!reasons.empty()) reasons += "; ";
      reasons += std::string(source.name()) + ": " + fetched.error().message;
      return std::nullopt;
    }
    return std::make_pair(std::move(*fetched), index);
  }

  std::vector<std::unique_ptr<CredentialsSource>> sources_;
  CredentialsChainOptions options_;
  std::mutex fetch_mutex_;    // held while the sources are asked
  mutable std::mutex mutex_;  // guards what follows; never held across the network
  std::optional<AwsCredentials> cached_;
  size_t cached_from_ = 0;
  bool refreshing_ = false;
  std::optional<Failure> failure_;
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
