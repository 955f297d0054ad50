#include "sigv4_reference.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

#include "core/hex.h"
#include "core/text.h"

namespace ebworker::testing {

namespace {

std::string hmac(std::string_view key, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len))
    throw std::runtime_error("HMAC-SHA256 failed");
  return std::string(reinterpret_cast<char*>(out), len);
}

// Leading and trailing spaces removed, runs of spaces inside made one.
std::string trimmed(std::string_view v) {
  std::string out;
  bool space = false;
  for (char c : v) {
    if (c == ' ' || c == '\t') {
      space = !out.empty();
      continue;
    }
    if (space) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

std::vector<std::pair<std::string, std::string>> sorted_headers(const SigV4Request& request) {
  std::vector<std::pair<std::string, std::string>> headers;
  for (const auto& [name, value] : request.headers) headers.emplace_back(to_lower(name), trimmed(value));
  std::stable_sort(headers.begin(), headers.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  return headers;
}

std::string signed_header_names(const SigV4Request& request) {
  std::string names;
  for (const auto& [name, value] : sorted_headers(request)) {
    if (!names.empty() && names.substr(names.rfind(';') + 1) == name) continue;
    if (!names.empty()) names += ';';
    names += name;
  }
  return names;
}

}  // namespace

std::string sha256_hex(std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!EVP_Digest(data.data(), data.size(), out, &len, EVP_sha256(), nullptr))
    throw std::runtime_error("SHA-256 failed");
  return to_hex(out, len);
}

std::string canonical_request(const SigV4Request& request) {
  std::string headers;
  std::string previous;
  for (const auto& [name, value] : sorted_headers(request)) {
    if (name == previous) {  // repeated header: values joined by commas
      headers.pop_back();
      headers += "," + value + "\n";
      continue;
    }
    headers += name + ":" + value + "\n";
    previous = name;
  }
  return request.method + "\n" + request.path + "\n" + request.query + "\n" + headers + "\n" +
         signed_header_names(request) + "\n" + sha256_hex(request.body);
}

std::string sigv4_authorization(const SigV4Request& request, const SigV4Scope& scope,
                                std::string_view amz_date) {
  const std::string date(amz_date.substr(0, 8));
  const std::string credential_scope = date + "/" + scope.region + "/" + scope.service + "/aws4_request";
  const std::string to_sign = "AWS4-HMAC-SHA256\n" + std::string(amz_date) + "\n" + credential_scope +
                              "\n" + sha256_hex(canonical_request(request));
  const std::string k_date = hmac("AWS4" + scope.secret_access_key, date);
  const std::string k_region = hmac(k_date, scope.region);
  const std::string k_service = hmac(k_region, scope.service);
  const std::string k_signing = hmac(k_service, "aws4_request");
  const std::string signature = hmac(k_signing, to_sign);
  return "AWS4-HMAC-SHA256 Credential=" + scope.access_key_id + "/" + credential_scope +
         ", SignedHeaders=" + signed_header_names(request) +
         ", Signature=" + to_hex(reinterpret_cast<const unsigned char*>(signature.data()), signature.size());
}

}  // namespace ebworker::testing
