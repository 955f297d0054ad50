// Continuable jobs' steps and boundaries (include/ebworker/worker/job_steps.h): what a run's
// context knows of the message's progress, and when a boundary hands the rest on.
#include <ebworker/worker/job.h>

#include <algorithm>

namespace ebworker {

Continuation& Continuation::operator=(const Continuation& other) {
  if (this == &other) return *this;
  completed = other.completed;
  current = other.current;
  rapidjson::Document copy;
  copy.CopyFrom(other.cursor, copy.GetAllocator());
  cursor.Swap(copy);
  advanced = other.advanced;
  return *this;
}

bool Continuation::is_completed(std::string_view step) const {
  return std::find(completed.begin(), completed.end(), step) != completed.end();
}

const rapidjson::Value& Step::cursor() const { return context_->continuation.cursor; }

// A fresh document each time: a step that sets a cursor a million times holds one, not all.
void Step::set_cursor(const rapidjson::Value& cursor) {
  rapidjson::Document fresh;
  fresh.CopyFrom(cursor, fresh.GetAllocator());
  Continuation& c = context_->continuation;
  c.cursor.Swap(fresh);
  c.advanced = true;
}

void Step::set_cursor(std::int64_t cursor) { set_cursor(rapidjson::Value(cursor)); }

void Step::set_cursor(std::string_view cursor) {
  rapidjson::Document text;
  text.SetString(cursor.data(), static_cast<rapidjson::SizeType>(cursor.size()), text.GetAllocator());
  set_cursor(text);
}

// Only a run that has done work hands on: each run moves the job forward, however small its
// budget or early its stop.
void Step::checkpoint() {
  if (context_->continuation.advanced && context_->should_stop()) throw StepsInterrupted{};
}

bool JobContext::budget_spent() const {
  return budget.count() > 0 && std::chrono::steady_clock::now() - started >= budget;
}

bool JobContext::should_stop() const { return stop.stop_requested() || budget_spent(); }

std::optional<Step> JobContext::begin_step(std::string_view name) {
  if (continuation.is_completed(name)) return std::nullopt;
  if (continuation.advanced && should_stop()) throw StepsInterrupted{};
  const bool resumed = continuation.current == name;
  // A step other than the one under way (the job's steps changed since): it starts fresh.
  if (!resumed) {
    continuation.current = std::string(name);
    continuation.cursor.SetNull();
  }
  return Step(*this, std::string(name), resumed);
}

void JobContext::end_step() {
  if (continuation.current) continuation.completed.push_back(*std::move(continuation.current));
  continuation.current.reset();
  continuation.cursor.SetNull();
  continuation.advanced = true;
}

}  // namespace ebworker
