# The Sidekiq baseline's client side (bench/lib/sidekiq.sh), against REDIS_URL:
#   ruby jobs.rb fill N ARGUMENTS_JSON [BATCH]
#       enqueues N NoopJobs with the given arguments (a JSON array, the same as our messages'),
#       BATCH at a time with Sidekiq::Client.push_bulk (1: Sidekiq::Client.push, one by one);
#       prints RESULT {…} with jobs/s and this process's CPU (utime + stime from /proc/self/stat)
#   ruby jobs.rb wait-empty SINCE_NS TIMEOUT_S
#       polls the queue's length every 5 ms until it is 0; prints RESULT {…} with the seconds
#       since SINCE_NS (CLOCK_REALTIME nanoseconds)
#   ruby jobs.rb processed
#       prints "processed failed" from Sidekiq's statistics (flushed when a Sidekiq process exits)
# Every loop is bounded by its count and its timeout.
require "etc"
require "json"
require "sidekiq/api"
require_relative "noop_job"

def own_cpu_s
  fields = File.read("/proc/self/stat").sub(/\A.*\) /, "").split
  (fields[11].to_i + fields[12].to_i) / Float(Etc.sysconf(Etc::SC_CLK_TCK))
end

def realtime_ns = Process.clock_gettime(Process::CLOCK_REALTIME, :nanosecond)

case ARGV[0]
when "fill"
  n = Integer(ARGV[1])
  arguments = JSON.parse(ARGV[2])
  batch = Integer(ARGV[3] || 1000)
  cpu0 = own_cpu_s
  t0 = Process.clock_gettime(Process::CLOCK_MONOTONIC)
  sent = 0
  while sent < n
    count = [batch, n - sent].min
    if count == 1
      Sidekiq::Client.push("class" => NoopJob, "args" => arguments)
    else
      Sidekiq::Client.push_bulk("class" => NoopJob, "args" => Array.new(count) { arguments })
    end
    sent += count
  end
  seconds = Process.clock_gettime(Process::CLOCK_MONOTONIC) - t0
  puts "RESULT #{JSON.generate(jobs: n, batch: batch, seconds: seconds.round(3),
                               jobs_per_s: (n / seconds).round(1), enqueuer_cpu_s: (own_cpu_s - cpu0).round(3))}"
when "wait-empty"
  since = Integer(ARGV[1])
  deadline = Process.clock_gettime(Process::CLOCK_MONOTONIC) + Float(ARGV[2])
  Sidekiq.redis do |redis|
    until redis.llen("queue:default").zero?
      abort "jobs.rb: the queue still holds #{redis.llen("queue:default")} jobs at the timeout" if
        Process.clock_gettime(Process::CLOCK_MONOTONIC) > deadline
      sleep 0.005
    end
  end
  puts "RESULT #{JSON.generate(seconds: ((realtime_ns - since) / 1e9).round(3))}"
when "processed"
  stats = Sidekiq::Stats.new
  puts "#{stats.processed} #{stats.failed}"
else
  abort "usage: ruby jobs.rb fill N ARGUMENTS_JSON [BATCH] | wait-empty SINCE_NS TIMEOUT_S | processed"
end
