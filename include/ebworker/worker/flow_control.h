#pragma once
// Flow control across every worker on a queue, declared by a job class and kept in the DynamoDB
// table EBWORKER_LIMITS_TABLE names (docs/guide.md, "Flow control"):
//
//   class SyncAccountJob : public ebworker::Job {
//    public:
//     static constexpr std::string_view name = "SyncAccountJob";
//     // At most 2 runs at once per account (arguments[0]), across every worker.
//     static constexpr ebworker::ConcurrencyLimit concurrency{.max = 2, .key = ebworker::by_argument<0>};
//     // At most 10 runs started per second per partner (arguments[1]).
//     static constexpr ebworker::RateLimit rate{.max = 10, .per = std::chrono::seconds(1),
//                                               .key = ebworker::by_argument<1>};
//     ...
//   };
//
// A run that finds its key's limit reached does not run: its message is sent on with a delay
// (signed, its attempt count unchanged) and answered 200, outcome `limited`.

#include <rapidjson/document.h>

#include <chrono>
#include <cstddef>
#include <string>

namespace ebworker {

// The text of arguments[index]: a string as it is, any other value as its JSON; empty when there
// is no such argument. What by_argument<I> keys a limit by.
std::string argument_key(const rapidjson::Value& arguments, std::size_t index);

// A limit's key function for "per arguments[I]".
template <std::size_t I>
std::string by_argument(const rapidjson::Value& arguments) {
  return argument_key(arguments, I);
}

// At most `max` runs of the class at once per key, across every worker and daemon on the queue.
// Each run holds a slot (a lease in the limits table, renewed every third of `lease` while the
// run lasts, deleted when it ends); the slot of a worker that dies mid-run is free again within
// `lease`. A plain function (a lambda without captures) keeps the declaration constexpr.
struct ConcurrencyLimit {
  int max = 0;  // 0: no limit
  // The key runs are counted under, from the job's arguments; null: the class as a whole.
  std::string (*key)(const rapidjson::Value& arguments) = nullptr;
  std::chrono::seconds lease{30};
  // When the limits table cannot be reached (or throttles): false, the run is deferred as if the
  // limit were reached (fail closed); true, it runs unlimited (fail open).
  bool fail_open = false;
};

// At most `max` runs started in any `per` across every worker on the queue, per key: each start
// uses one of `max` rate slots in the limits table until `per` after it (a sliding window, in
// the workers' clocks' milliseconds). A run the rate defers is sent on, as one its concurrency
// limit defers. With both limits, the concurrency slot is taken first.
struct RateLimit {
  int max = 0;  // 0: no limit
  std::chrono::milliseconds per{1000};
  std::string (*key)(const rapidjson::Value& arguments) = nullptr;  // null: the class as a whole
  bool fail_open = false;  // as ConcurrencyLimit's
};

}  // namespace ebworker
