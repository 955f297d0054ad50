# A Rails 6.1 web tier's messages, made by Rails' own ActiveJob (Job#serialize) and signed as
# active_elastic_job signs them (HMAC-SHA1 of the exact body, keyed by SECRET_KEY_BASE as given,
# lowercase hex). Prints one JSON object a line: {"name", "body", "digest"} (digest null: unsigned).
require "json"
require "openssl"
require "bigdecimal"
require "logger"
require "active_job"
require "global_id"

GlobalID.app = "my-app"
ActiveJob::Base.logger = Logger.new(nil)

class User
  include GlobalID::Identification
  attr_reader :id

  def initialize(id)
    @id = id
  end
end

class EchoJob < ActiveJob::Base
  def perform(*arguments, **keywords); end
end

# ebworker's example OutcomeJob, as a Rails app names it: its arguments say how it ends.
class OutcomeJob < ActiveJob::Base
  def perform(*arguments); end
end

module Admin
  class EchoJob < ActiveJob::Base
    def perform(*arguments); end
  end
end

# An app's own argument type: only this app can read it back.
Money = Struct.new(:cents)
class MoneySerializer < ActiveJob::Serializers::ObjectSerializer
  def serialize?(argument)
    argument.is_a?(Money)
  end

  def serialize(money)
    super("cents" => money.cents)
  end
end
ActiveJob::Serializers.add_serializers(MoneySerializer)

secret = ENV.fetch("SECRET_KEY_BASE")

emit = lambda do |name, job, key|
  body = JSON.dump(job.serialize)
  digest = key && OpenSSL::HMAC.hexdigest("SHA1", key, body)
  puts JSON.generate("name" => name, "body" => body, "digest" => digest)
end

table = EchoJob.new(
  "text", 42, 2.5, nil, true, false,
  { a: 1, "b" => { c: [1, "two"] } },
  :symbol,
  Time.utc(2026, 11, 23, 10, 31, 40, 123_456),
  Date.new(2026, 11, 23),
  5.minutes,
  BigDecimal("1.5"),
  User.new(42),
  note: "<café>", force: true
)
emit.call("table", table, secret)
emit.call("namespaced", Admin::EchoJob.new("namespaced"), secret)
emit.call("unsigned", EchoJob.new("unsigned"), nil)
emit.call("forged", EchoJob.new("forged"), secret + "x")
emit.call("app_serializer", EchoJob.new("app_serializer", Money.new(100)), secret)
emit.call("hop_signed", OutcomeJob.new("retry_once", 3), secret)
emit.call("hop_unsigned", OutcomeJob.new("retry_once", 1), nil)
