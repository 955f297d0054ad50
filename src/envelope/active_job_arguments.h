#pragma once
// ActiveJob's argument forms (ActiveJob::Arguments, docs/rails.md) as a job sees them: plain JSON.
//   hash markers (_aj_symbol_keys, _aj_ruby2_keywords, _aj_hash_with_indifferent_access): removed
//   {"_aj_globalid": "gid://app/Model/1"}: the gid:// string
//   {"_aj_serialized": "ActiveJob::Serializers::<Name>Serializer", ...}: Symbol, Module,
//     BigDecimal, Date, Time, DateTime and TimeWithZone as their "value" string; Duration as its
//     number of seconds; Range as {"begin", "end", "exclude_end"}
// Any other serializer is the app's own, which only Rails can run: a refusal of its own kind.

#include <rapidjson/document.h>

#include <string>

#include <ebworker/result.h>

namespace ebworker {

struct ArgumentsProblem {
  bool unknown_serializer = false;  // else: not in ActiveJob's forms at all
  std::string message;
};

// `arguments` is the body's "arguments" array.
Result<rapidjson::Document, ArgumentsProblem> decode_active_job_arguments(const rapidjson::Value& arguments);

// Arguments about to be sent to a Rails worker: every key beginning "_aj_" must be part of one of
// ActiveJob's forms (a GlobalID object of one key, an object with a string "_aj_serialized", a
// hash marker of its type naming the hash's keys), since Rails reads any such key as one.
// Plain JSON passes as it is (a hash without a marker arrives with string keys).
Status check_active_job_forms(const rapidjson::Value& arguments);

}  // namespace ebworker
