#pragma once
// Continuable jobs: a long job works in steps, each with a cursor, and when it must stop (the
// worker shuts down, or the run has spent its time budget, EBWORKER_JOB_TIME_BUDGET) it hands
// the rest of itself back to the queue at the next step boundary: the worker sends a
// continuation (the same job id, its completed steps and the cursor of the one under way) and
// only then answers 200. The rest runs on any worker, from the cursor. In perform():
//
//   context.step("download", [&] { fetch_export(); });                   // once
//   context.step("rows", 0, row_count, [&](std::int64_t row) {           // one index at a time;
//     import_row(row);                                                   // the cursor is the next
//   });
//   context.step("pages", [&](ebworker::Step& step) {                    // a cursor of your own:
//     std::string token = step.cursor().IsString() ? step.cursor().GetString() : "";
//     while (auto page = fetch_page(token)) {
//       save(*page);
//       token = page->next;
//       step.advance(token);  // the new cursor, then a boundary
//     }
//   });
//   return ebworker::done();
//
// A step already completed by an earlier run is skipped; the one under way resumes from its
// cursor. Work between two boundaries may run twice (a kill -9 loses it), so each iteration
// must be safe to repeat. A run stops only at a boundary and only once it has done some work
// itself, so every run moves the job forward.
//
// The hand-off is an exception of its own, StepsInterrupted, which is no std::exception: a
// `catch (const std::exception&)` lets it through; a `catch (...)` around steps must rethrow it.

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ebworker {

struct JobContext;

// Thrown at a step boundary when the run must hand on; the worker catches it.
struct StepsInterrupted {};

// Where a message's steps stand: those completed, and the one under way with its cursor.
// Travels in the message (docs/wire-protocol.md, "Continuations").
struct Continuation {
  std::vector<std::string> completed;
  std::optional<std::string> current;    // the step under way, when the last run stopped inside one
  rapidjson::Document cursor{};          // its cursor; null when none
  bool advanced = false;                 // this run has done work (a boundary may hand on)

  Continuation() = default;
  Continuation(const Continuation& other) { *this = other; }
  Continuation& operator=(const Continuation& other);
  Continuation(Continuation&&) = default;
  Continuation& operator=(Continuation&&) = default;

  bool empty() const { return completed.empty() && !current; }
  bool is_completed(std::string_view step) const;
};

// The step under way, as its body sees it.
class Step {
 public:
  std::string_view name() const { return name_; }
  // Null when the step starts fresh; what the last run saved when it resumes.
  const rapidjson::Value& cursor() const;
  bool resumed() const { return resumed_; }

  // Sets the cursor: where the step resumes if the run hands on after this.
  void set_cursor(const rapidjson::Value& cursor);
  void set_cursor(std::int64_t cursor);
  void set_cursor(std::string_view cursor);
  // A boundary: hands on (throws StepsInterrupted) when the run must stop.
  void checkpoint();
  // set_cursor, then checkpoint.
  template <typename Cursor>
  void advance(const Cursor& cursor) {
    set_cursor(cursor);
    checkpoint();
  }

 private:
  friend struct JobContext;
  Step(JobContext& context, std::string name, bool resumed)
      : context_(&context), name_(std::move(name)), resumed_(resumed) {}
  JobContext* context_;
  std::string name_;
  bool resumed_;
};

}  // namespace ebworker
