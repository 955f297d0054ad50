#include "cli/post_command.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

#include <ebworker/request.h>

#include "core/iso_time.h"
#include "envelope/envelope.h"
#include "envelope/signer.h"
#include "envelope/uuid.h"

namespace ebworker {

namespace {

constexpr const char* kUsage =
    "usage: ebworker post JOB [ARGS_JSON] [--url URL] [--queue NAME]\n"
    "  Signs JOB with SECRET_KEY_BASE and POSTs it to URL (default http://127.0.0.1:$PORT/, PORT\n"
    "  defaulting to 5000) with aws-sqsd's headers. Prints the status and the worker's answer;\n"
    "  exits 0 only on 200.\n";

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

size_t append(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

int usage_error(const std::string& message) {
  std::fprintf(stderr, "ebworker post: %s\n%s", message.c_str(), kUsage);
  return 2;
}

}  // namespace

int post_command(const std::vector<std::string>& args) {
  std::string job, arguments = "[]", queue = "local";
  const char* port = std::getenv("PORT");
  std::string url = std::string("http://127.0.0.1:") + (port ? port : "5000") + "/";
  size_t positional = 0;
  for (size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--help" || args[i] == "-h") {
      std::fputs(kUsage, stdout);
      return 0;
    }
    if (args[i] == "--url" || args[i] == "--queue") {
      if (i + 1 >= args.size()) return usage_error(args[i] + " needs a value");
      (args[i] == "--url" ? url : queue) = args[i + 1];
      ++i;
    } else if (positional == 0) {
      job = args[i];
      ++positional;
    } else if (positional == 1) {
      arguments = args[i];
      ++positional;
    } else {
      return usage_error("unexpected argument \"" + args[i] + "\"");
    }
  }
  if (job.empty()) return usage_error("name a job");

  auto signer = Signer::from_environment(process_environment());
  if (!signer) return usage_error(signer.error().message);
  auto envelope = Envelope::make(job, arguments, queue);
  if (!envelope) return usage_error("ARGS_JSON: " + envelope.error().message);
  const std::string body = envelope->to_json();

  const std::string now = iso8601_utc(std::chrono::system_clock::now()).substr(0, 19) + "Z";
  const std::string attr = std::string(sqsd_header::kAttributePrefix);
  std::unique_ptr<curl_slist, SlistDeleter> headers;
  for (const std::string& h : {
           std::string("Content-Type: application/json"),
           std::string(sqsd_header::kMessageId) + ": " + uuid_v4(),
           std::string(sqsd_header::kQueue) + ": " + queue,
           std::string(sqsd_header::kFirstReceivedAt) + ": " + now,
           std::string("X-Aws-Sqsd-Sent-At: ") + now,
           std::string(sqsd_header::kReceiveCount) + ": 1",
           attr + std::string(kDigestAttribute) + ": " + signer->sign(body),
           attr + std::string(kOriginAttribute) + ": " + std::string(kOriginValue),
       })
    headers.reset(curl_slist_append(headers.release(), h.c_str()));

  std::unique_ptr<CURL, CurlDeleter> curl(curl_easy_init());
  if (!curl) return usage_error("libcurl could not start");
  std::string answer;
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_USERAGENT, "sqsd (ebworker post)");
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl.get(), CURLOPT_CONNECTTIMEOUT, 5L);
  const CURLcode rc = curl_easy_perform(curl.get());
  if (rc != CURLE_OK) {
    std::fprintf(stderr, "ebworker post: %s: %s\n", url.c_str(), curl_easy_strerror(rc));
    return 1;
  }
  long status = 0;
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &status);
  std::printf("%s job_id=%s status=%ld %s", job.c_str(), envelope->job_id.c_str(), status, answer.c_str());
  if (!answer.empty() && answer.back() != '\n') std::printf("\n");
  return status == 200 ? 0 : 1;
}

}  // namespace ebworker
