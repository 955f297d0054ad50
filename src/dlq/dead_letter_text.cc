#include "dlq/dead_letter_text.h"

#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "core/json.h"
#include "core/text.h"

namespace ebworker {

namespace {

// A field of an ls line: "-" for nothing; escaped, so no tab or line break is left inside.
std::string cell(std::string_view text) { return text.empty() ? "-" : escape_control_characters(text); }

// A JSON body indented, one escaped line for each of the writer's (which puts no raw line break
// inside a string); a body that is not JSON as one escaped line.
std::string printable_body(const std::string& body) {
  auto doc = parse_json(body);
  if (!doc) return escape_control_characters(body);
  rapidjson::StringBuffer pretty;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(pretty);
  writer.SetIndent(' ', 2);
  doc->Accept(writer);
  std::string out;
  std::string_view rest(pretty.GetString(), pretty.GetSize());
  for (std::size_t end = rest.find('\n'); end != std::string_view::npos; end = rest.find('\n')) {
    out += escape_control_characters(rest.substr(0, end)) + "\n";
    rest.remove_prefix(end + 1);
  }
  return out + escape_control_characters(rest);
}

}  // namespace

std::string_view dead_letter_header_row() {
  return "JOB_CLASS\tJOB_ID\tATTEMPTS\tFIRST_FAILURE\tLAST_FAILURE\tSIGNATURE\tMESSAGE_ID\tREASON\n";
}

std::string dead_letter_row(const DeadLetterSummary& s) {
  return cell(s.job_class) + "\t" + cell(s.job_id) + "\t" + cell(s.attempts) + "\t" + cell(s.first_failure) + "\t" +
         cell(s.last_failure) + "\t" + std::string(to_string(s.signature)) + "\t" + cell(s.message_id) + "\t" +
         cell(s.reason) + "\n";
}

std::string dead_letter_details(const ReceivedMessage& m, const DeadLetterSummary& s) {
  std::string out = "message_id: " + cell(m.message_id) + "\njob_class: " + cell(s.job_class) +
                    "\njob_id: " + cell(s.job_id) + "\nsignature: " + std::string(to_string(s.signature)) + "\n";
  // This read is one of the receives counted.
  const auto count = m.attributes.find("ApproximateReceiveCount");
  out += "receive_count: " + (count == m.attributes.end() ? "-" : cell(count->second)) + "\n";
  out += "attributes:\n";
  for (const auto& [name, value] : m.attributes) {
    out += "  " + escape_control_characters(name) + ": " + escape_control_characters(value);
    if (name.ends_with("Timestamp")) out += " (" + iso_of_epoch_millis(value) + ")";
    out += "\n";
  }
  out += "message_attributes:\n";
  for (const auto& a : m.message_attributes) {
    out += "  " + escape_control_characters(a.name) + " (" + escape_control_characters(a.data_type) + "): ";
    out += a.data_type.starts_with("Binary") ? "<" + std::to_string(a.value.size()) + " bytes>"
                                             : escape_control_characters(a.value);
    out += "\n";
  }
  return out + "body:\n" + printable_body(m.body) + "\n";
}

}  // namespace ebworker
