#pragma once
// Arguments a Rails job receives as Ruby types, for a client sending to a Rails worker
// (ClientConfig::message_format active_elastic_job or active_job; docs/rails.md). Each returns
// JSON text to place in the arguments array:
//
//   using namespace ebworker::active_job;
//   const std::string args = "[" + global_id("gid://shop/User/42") + "," + symbol("full") + "," +
//                            time(std::chrono::system_clock::now()) + "]";
//   client.enqueue("Admin::SyncJob", args);   // perform(user, :full, a_time)
//
// Plain JSON needs none of these: strings, numbers, booleans, null and arrays arrive as they are;
// an object arrives as a Hash with string keys.

#include <chrono>
#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker::active_job {

std::string symbol(std::string_view name);                // :name
std::string time(std::chrono::system_clock::time_point t);  // a Time, in UTC
std::string date(std::chrono::year_month_day day);         // a Date
std::string duration(std::chrono::seconds length);         // an ActiveSupport::Duration
std::string global_id(std::string_view gid);               // the record GlobalID::Locator finds
// A Hash with Symbol keys, from a JSON object: {"a":1} → {a: 1}.
Result<std::string> symbol_keys(std::string_view object_json);
// Keyword arguments, from a JSON object, as the last argument: {"force":true} → force: true.
Result<std::string> keywords(std::string_view object_json);

}  // namespace ebworker::active_job
