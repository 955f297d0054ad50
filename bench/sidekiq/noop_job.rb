# The Sidekiq baseline's job: does nothing, like bench/common/noop_job.h.
require "sidekiq"

# redis-rb 4.8 warns on every push that SADD will answer an Integer in Redis 5: that is the
# behaviour Sidekiq 6.4 expects, so ask for it and keep the logs quiet.
Redis.sadd_returns_boolean = false if Redis.respond_to?(:sadd_returns_boolean=)

class NoopJob
  include Sidekiq::Worker

  def perform(*_arguments); end
end
