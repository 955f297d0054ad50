#include "envelope/signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cstdlib>
#include <stdexcept>

#include "core/hex.h"
#include "core/split.h"

namespace ebworker {

namespace {

using Digest = std::array<unsigned char, 32>;

Digest hmac_sha256(std::string_view key, std::string_view body) {
  Digest out{};
  unsigned int len = 0;
  if (!HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
            reinterpret_cast<const unsigned char*>(body.data()), body.size(), out.data(), &len) ||
      len != out.size())
    throw std::runtime_error("HMAC-SHA256 failed in OpenSSL");
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is refused: the digest is defined as lowercase hex
}

bool decode_hex(std::string_view hex, Digest& out) {
  if (hex.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

Result<Signer> Signer::create(std::string current_key, std::vector<std::string> previous_keys,
                              std::string_view current_name, std::string_view previous_name) {
  if (current_key.empty()) return fail(std::string(current_name) + " is not set");
  if (current_key.size() < kMinimumKeyBytes)
    return fail(std::string(current_name) + " is shorter than 32 bytes");
  for (const auto& key : previous_keys)
    if (key.size() < kMinimumKeyBytes)
      return fail(std::string(previous_name) + " holds a key shorter than 32 bytes");
  return Signer(std::move(current_key), std::move(previous_keys));
}

Result<Signer> Signer::from_environment(const Environment& env) {
  const auto current = env.find("SECRET_KEY_BASE");
  const auto previous = env.find("SECRET_KEY_BASE_PREVIOUS");
  std::vector<std::string> previous_keys;
  const std::string_view previous_text = previous != env.end() ? std::string_view(previous->second) : "";
  for (std::string_view key : split_list(previous_text)) previous_keys.emplace_back(key);
  return create(current != env.end() ? current->second : "", std::move(previous_keys));
}

std::string Signer::sign(std::string_view body) const {
  const Digest d = hmac_sha256(current_, body);
  return to_hex(d.data(), d.size());
}

bool Signer::verify(std::string_view body, std::string_view digest_hex) const {
  Digest claimed{};
  if (!decode_hex(digest_hex, claimed)) return false;
  bool match = CRYPTO_memcmp(hmac_sha256(current_, body).data(), claimed.data(), claimed.size()) == 0;
  for (const auto& key : previous_)
    match |= CRYPTO_memcmp(hmac_sha256(key, body).data(), claimed.data(), claimed.size()) == 0;
  return match;
}

}  // namespace ebworker
