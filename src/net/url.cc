#include "net/url.h"

#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <memory>

#include "core/text.h"

namespace ebworker {

namespace {

struct UrlDeleter {
  void operator()(CURLU* u) const { curl_url_cleanup(u); }
};

struct CurlString {
  char* text = nullptr;
  ~CurlString() { curl_free(text); }
};

// The part, or "" when libcurl answers `absent` (the part's "there is none").
Result<std::string> part(CURLU* url, CURLUPart which, CURLUcode absent) {
  CurlString value;
  const CURLUcode rc = curl_url_get(url, which, &value.text, 0);
  if (rc == CURLUE_OK) return std::string(value.text);
  if (rc == absent) return std::string();
  return fail(curl_url_strerror(rc));
}

}  // namespace

std::string Url::authority() const {
  std::string out = host.find(':') == std::string::npos ? host : "[" + host + "]";
  if (!port.empty()) out += ":" + port;
  return out;
}

namespace {

// Where a URL's authority begins: after "scheme:" and every slash that follows (libcurl reads
// "http:/host" and "http:///host" as "http://host", with a user name if one is there), or at 0
// when `text` starts with no "scheme:/" ("user:pw@host" is all authority).
std::size_t authority_start(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0 || !std::isalpha(static_cast<unsigned char>(text[0]))) return 0;
  for (std::size_t i = 1; i < colon; ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (!std::isalnum(c) && c != '+' && c != '-' && c != '.') return 0;
  }
  std::size_t start = colon + 1;
  if (start == text.size() || text[start] != '/') return 0;
  while (start < text.size() && text[start] == '/') ++start;
  return start;
}

}  // namespace

std::string redacted_url(std::string_view text) {
  const std::size_t start = authority_start(text);
  const std::size_t query = std::min(text.find_first_of("?#", start), text.size());
  const std::size_t at = text.substr(0, query).rfind('@');
  if (at == std::string_view::npos || at < start) return std::string(text);
  return std::string(text.substr(0, start)) + "***" + std::string(text.substr(at));
}

Result<Url> parse_url(std::string_view text) {
  std::unique_ptr<CURLU, UrlDeleter> parsed(curl_url());
  if (!parsed) return fail("out of memory");
  // Any scheme, so that refusing one is the caller's word; the path as written.
  const CURLUcode rc = curl_url_set(parsed.get(), CURLUPART_URL, std::string(text).c_str(),
                                    CURLU_NON_SUPPORT_SCHEME | CURLU_PATH_AS_IS);
  if (rc != CURLUE_OK) return fail(curl_url_strerror(rc));
  auto scheme = part(parsed.get(), CURLUPART_SCHEME, CURLUE_NO_SCHEME);
  auto host = part(parsed.get(), CURLUPART_HOST, CURLUE_NO_HOST);
  auto port = part(parsed.get(), CURLUPART_PORT, CURLUE_NO_PORT);
  auto path = part(parsed.get(), CURLUPART_PATH, CURLUE_OK);  // always there: "/" at least
  auto user = part(parsed.get(), CURLUPART_USER, CURLUE_NO_USER);
  for (const auto* p : {&scheme, &host, &port, &path, &user})
    if (!*p) return Unexpected{p->error()};
  Url url{to_lower(*scheme), std::move(*host), std::move(*port), std::move(*path)};
  url.credentials = !user->empty();
  if (url.host.size() >= 2 && url.host.front() == '[' && url.host.back() == ']')
    url.host = url.host.substr(1, url.host.size() - 2);
  if (url.path.empty()) url.path = "/";
  return url;
}

}  // namespace ebworker
