# A Rails 6.1 worker tier, as small as it gets: Rails' ActiveJob under puma, behind a Rack
# middleware that does what active_elastic_job's and aws-sdk-rails's do (written from
# docs/rails.md): a POST from the daemon (User-Agent aws-sqsd..., from loopback) whose origin
# attribute is AEJ, or that carries a message-digest, must carry the HMAC-SHA1 of its exact body
# under SECRET_KEY_BASE (else 403); then ActiveJob::Base.execute runs the body (an exception:
# 500). An unsigned one naming its class in aws_sqs_active_job_class runs as aws-sdk-rails runs it.
# RecordJob appends what it received, as Ruby sees it, to RECORD_JOB_OUT.
require "json"
require "openssl"
require "logger"
require "rack"
require "active_job"
require "global_id"

GlobalID.app = "shop"
ActiveJob::Base.logger = Logger.new(nil)

class User
  include GlobalID::Identification
  attr_reader :id

  def initialize(id)
    @id = id
  end

  def self.find(id)
    new(id)
  end
end

class RecordJob < ActiveJob::Base
  def perform(*arguments, **keywords)
    described = (arguments + [keywords]).map do |a|
      [a.class.name, a.is_a?(User) ? "User #{a.id}" : a.inspect]
    end
    File.open(ENV.fetch("RECORD_JOB_OUT"), "a") { |f| f.puts(JSON.generate(described)) }
  end
end

class SqsdJobs
  def initialize(app, secret)
    @app = app
    @secret = secret
  end

  def call(env)
    return @app.call(env) unless env["REQUEST_METHOD"] == "POST" && env["HTTP_USER_AGENT"].to_s.start_with?("aws-sqsd")
    return [403, {}, ["not from this host\n"]] unless ["127.0.0.1", "::1"].include?(env["REMOTE_ADDR"])
    return [200, {}, ["periodic task\n"]] if env["PATH_INFO"].start_with?("/periodic_tasks")

    body = env["rack.input"].read
    digest = env["HTTP_X_AWS_SQSD_ATTR_MESSAGE_DIGEST"]
    if env["HTTP_X_AWS_SQSD_ATTR_ORIGIN"] == "AEJ" || digest
      expected = OpenSSL::HMAC.hexdigest("SHA1", @secret, body)
      return [403, {}, ["bad digest\n"]] unless digest && Rack::Utils.secure_compare(expected, digest)
    elsif env["HTTP_X_AWS_SQSD_ATTR_AWS_SQS_ACTIVE_JOB_CLASS"].nil?
      return [403, {}, ["not a job\n"]]
    end
    ActiveJob::Base.execute(JSON.parse(body))
    [200, {}, ["OK\n"]]
  rescue StandardError => e
    [500, {}, ["#{e.class}: #{e.message}\n"]]
  end
end

use SqsdJobs, ENV.fetch("SECRET_KEY_BASE")
run ->(_env) { [404, {}, ["not found\n"]] }
