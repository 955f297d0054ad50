#include "dlq/drain.h"

#include <algorithm>
#include <map>
#include <set>
#include <vector>

#include "core/limits.h"

namespace ebworker {

namespace {

// Makes each message visible again; how many could not be (they reappear after their timeout).
std::size_t release_messages(const SqsClient& sqs, const std::string& queue_url,
                             const std::vector<ReceivedMessage>& messages) {
  std::size_t failed = 0;
  for (const auto& m : messages)
    if (!sqs.change_message_visibility(queue_url, m.receipt_handle, 0)) ++failed;
  return failed;
}

}  // namespace

SqsResult<DrainResult> drain(const SqsClient& sqs, const std::string& queue_url, const DrainOptions& options,
                             const DrainHooks& hooks) {
  DrainResult result;
  DrainCounts& counts = result.counts;
  std::vector<ReceivedMessage> held;
  std::map<std::string, std::size_t> held_at;  // message id → position in `held`
  std::set<std::string> seen;                  // every message id received
  int answers_without_news = 0;
  const auto fail_one = [&](const ReceivedMessage& m, const std::string& why) {
    ++counts.failed;
    if (hooks.on_failure) hooks.on_failure(m, why);
  };
  const auto hold = [&](ReceivedMessage m) {
    held_at[m.message_id] = held.size();
    held.push_back(std::move(m));
  };

  while (counts.examined < options.max_messages && answers_without_news < 3) {
    const int wanted = static_cast<int>(std::min<std::size_t>(kMaxBatchEntries, options.max_messages - counts.examined));
    auto got = sqs.receive_messages(queue_url, {.max_messages = wanted,
                                                .wait_seconds = options.wait_seconds,
                                                .visibility_timeout = options.visibility_timeout});
    if (!got) {
      release_messages(sqs, queue_url, held);
      return Unexpected{got.error()};
    }
    if (got->empty()) break;
    std::vector<ReceivedMessage> to_delete;
    bool news = false;
    for (auto& m : *got) {
      if (seen.count(m.message_id)) {
        // Back after its visibility timeout: already dealt with; keep the newest handle of one held.
        if (const auto at = held_at.find(m.message_id); at != held_at.end())
          held[at->second].receipt_handle = m.receipt_handle;
        continue;
      }
      news = true;
      seen.insert(m.message_id);
      ++counts.examined;
      if (hooks.select && !hooks.select(m)) {
        ++counts.skipped;
        hold(std::move(m));
        continue;
      }
      if (hooks.forward) {
        if (auto sent = hooks.forward(m); !sent) {
          fail_one(m, sent.error().describe());
          hold(std::move(m));
          continue;
        }
      }
      to_delete.push_back(std::move(m));
    }
    for (std::size_t start = 0; start < to_delete.size(); start += kMaxBatchEntries) {
      const std::size_t end = std::min(to_delete.size(), start + kMaxBatchEntries);
      std::vector<std::string> handles;
      for (std::size_t i = start; i < end; ++i) handles.push_back(to_delete[i].receipt_handle);
      const auto deleted = sqs.delete_message_batch(queue_url, handles);
      for (std::size_t i = start; i < end; ++i) {
        if (deleted[i - start])
          ++counts.done;
        else
          fail_one(to_delete[i], "not deleted: " + deleted[i - start].error().describe());
      }
    }
    answers_without_news = news ? 0 : answers_without_news + 1;
    if (hooks.on_progress) hooks.on_progress(counts);
  }
  result.reached_max = counts.examined >= options.max_messages;
  result.not_released = release_messages(sqs, queue_url, held);
  return result;
}

}  // namespace ebworker

namespace ebworker {

SqsResult<ReadMessages> read_messages(const SqsClient& sqs, const std::string& queue_url, const DrainOptions& options) {
  ReadMessages read;
  DrainHooks hooks;
  hooks.select = [&](const ReceivedMessage& m) {
    read.messages.push_back(m);
    return false;
  };
  auto drained = drain(sqs, queue_url, options, hooks);
  if (!drained) return Unexpected{drained.error()};
  read.reached_max = drained->reached_max;
  read.not_released = drained->not_released;
  return read;
}

}  // namespace ebworker
