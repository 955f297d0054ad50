#pragma once
// The one URL parser: libcurl's own (curl_url), so that what ebworker concludes about a URL (its
// scheme, its host, its path) is what libcurl reads when it is asked to connect there. A split by
// hand disagrees with it on the cases that decide where a request goes: "http://127.0.0.1@evil/"
// (userinfo, host evil), "https://host?x/1/q" (query), "http://127.1/" (host 127.0.0.1).

#include <string>
#include <string_view>

#include <ebworker/result.h>

namespace ebworker {

struct Url {
  std::string scheme;  // lower case: "https"
  std::string host;    // as written, but an IPv6 address without brackets (or zone id): "::1"
  std::string port;    // as written: "4566"; empty when the URL names none
  std::string path;    // as written (percent-escapes and dot segments kept); "/" when none
  bool credentials = false;  // a user name (and password) before the host: "https://user:pw@host/"

  // host[:port], an IPv6 host in brackets: what follows "scheme://" in the URL's origin. The
  // userinfo, if any, is left out.
  std::string authority() const;
};

// `text`, a URL or what was given as one, fit to print in a message or a log: what stands before
// the host as a user name and password becomes "***" ("https://user:pw@host/q" →
// "https://***@host/q"). Taken for it: everything after "scheme://" up to the last '@' that comes
// before any '?' or '#', so a malformed password (one with a '/') is hidden too.
std::string redacted_url(std::string_view text);

// An absolute URL (any scheme: the caller decides which it takes), or libcurl's reason why
// `text` is not one. libcurl also reads "http:/host" and "http:///host" as "http://host".
Result<Url> parse_url(std::string_view text);

}  // namespace ebworker
