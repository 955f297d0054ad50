#include "envelope/signer.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstdlib>
#include <mutex>
#include <stdexcept>

#include "core/environment_lookup.h"
#include "core/hex.h"
#include "core/split.h"

namespace ebworker {

namespace {

// Big enough for either digest; `size` says how much of it is the digest.
struct Digest {
  std::array<unsigned char, 32> bytes{};
  std::size_t size = 0;
};

[[noreturn]] void openssl_failed() { throw std::runtime_error("HMAC failed in OpenSSL"); }

std::size_t digest_bytes(HmacDigest digest) { return digest == HmacDigest::sha1 ? 20 : 32; }

}  // namespace

// A keyed EVP_MAC_CTX is the key schedule (the inner and outer padded key already hashed).
// OpenSSL's one-shot HMAC() fetches the algorithm and redoes that on every call, which cost
// more than hashing a 1 KiB body. Here the keyed context is made once; each digest takes an
// idle copy (a new one only when every copy is in use on another thread), re-initialises it
// with the same key (EVP_MAC_init with no key: a copy of the hashed pads) and gives it back.
class Signer::KeyedHmac {
 public:
  KeyedHmac(HmacDigest algorithm, std::string_view key) : size_(digest_bytes(algorithm)) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (!mac) openssl_failed();
    keyed_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    char sha1[] = "SHA1";
    char sha256[] = "SHA256";
    char* digest = algorithm == HmacDigest::sha1 ? sha1 : sha256;
    const OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                                 OSSL_PARAM_construct_end()};
    if (!keyed_ || !EVP_MAC_init(keyed_, reinterpret_cast<const unsigned char*>(key.data()), key.size(), params)) {
      EVP_MAC_CTX_free(keyed_);
      openssl_failed();
    }
  }
  ~KeyedHmac() {
    for (EVP_MAC_CTX* ctx : idle_) EVP_MAC_CTX_free(ctx);
    EVP_MAC_CTX_free(keyed_);
  }
  KeyedHmac(const KeyedHmac&) = delete;
  std::size_t size() const { return size_; }
  KeyedHmac& operator=(const KeyedHmac&) = delete;

  Digest digest(std::string_view body) const {
    EVP_MAC_CTX* ctx = take();
    Digest out{.size = size_};
    size_t len = 0;
    const bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) &&
                    EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(body.data()), body.size()) &&
                    EVP_MAC_final(ctx, out.bytes.data(), &len, out.bytes.size()) && len == size_;
    give_back(ctx);
    if (!ok) openssl_failed();
    return out;
  }

 private:
  EVP_MAC_CTX* take() const {
    {
      std::lock_guard lock(mutex_);
      if (!idle_.empty()) {
        EVP_MAC_CTX* ctx = idle_.back();
        idle_.pop_back();
        return ctx;
      }
    }
    EVP_MAC_CTX* ctx = EVP_MAC_CTX_dup(keyed_);
    if (!ctx) openssl_failed();
    return ctx;
  }
  void give_back(EVP_MAC_CTX* ctx) const {
    std::lock_guard lock(mutex_);
    idle_.push_back(ctx);
  }

  std::size_t size_;
  EVP_MAC_CTX* keyed_ = nullptr;  // never used directly, only copied: copies may run at once
  mutable std::mutex mutex_;
  mutable std::vector<EVP_MAC_CTX*> idle_;
};

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;  // uppercase is refused: the digest is defined as lowercase hex
}

bool decode_hex(std::string_view hex, Digest& out) {
  if (hex.size() != out.size * 2) return false;
  for (size_t i = 0; i < out.size; ++i) {
    const int hi = hex_value(hex[2 * i]);
    const int lo = hex_value(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out.bytes[i] = static_cast<unsigned char>(hi << 4 | lo);
  }
  return true;
}

}  // namespace

Result<Signer> Signer::create(std::string current_key, std::vector<std::string> previous_keys,
                              std::string_view current_name, std::string_view previous_name, HmacDigest digest) {
  if (current_key.empty()) return fail(std::string(current_name) + " is not set");
  if (current_key.size() < kMinimumKeyBytes)
    return fail(std::string(current_name) + " is shorter than 32 bytes");
  for (const auto& key : previous_keys)
    if (key.size() < kMinimumKeyBytes)
      return fail(std::string(previous_name) + " holds a key shorter than 32 bytes");
  std::vector<std::shared_ptr<const KeyedHmac>> previous;
  for (const auto& key : previous_keys) previous.push_back(std::make_shared<const KeyedHmac>(digest, key));
  return Signer(std::make_shared<const KeyedHmac>(digest, current_key), std::move(previous));
}

Result<Signer> Signer::create(HmacDigest digest, SigningKeys keys) {
  return create(std::move(keys.current), std::move(keys.previous), "SECRET_KEY_BASE", "SECRET_KEY_BASE_PREVIOUS",
                digest);
}

SigningKeys signing_keys_from(const Environment& env) {
  SigningKeys keys{.current = lookup_or(env, "SECRET_KEY_BASE")};
  for (std::string_view key : split_list(lookup(env, "SECRET_KEY_BASE_PREVIOUS").value_or("")))
    keys.previous.emplace_back(key);
  return keys;
}

Result<Signer> Signer::from_environment(const Environment& env) {
  SigningKeys keys = signing_keys_from(env);
  return create(std::move(keys.current), std::move(keys.previous));
}

std::string Signer::sign(std::string_view body) const {
  const Digest d = current_->digest(body);
  return to_hex(d.bytes.data(), d.size);
}

bool Signer::verify(std::string_view body, std::string_view digest_hex) const {
  Digest claimed{.size = current_->size()};
  if (!decode_hex(digest_hex, claimed)) return false;
  bool match = CRYPTO_memcmp(current_->digest(body).bytes.data(), claimed.bytes.data(), claimed.size) == 0;
  for (const auto& key : previous_)
    match |= CRYPTO_memcmp(key->digest(body).bytes.data(), claimed.bytes.data(), claimed.size) == 0;
  return match;
}

std::string hmac_hex(HmacDigest digest, std::string_view key, std::string_view body) {
  const Signer::KeyedHmac keyed(digest, key);
  const Digest d = keyed.digest(body);
  return to_hex(d.bytes.data(), d.size);
}

}  // namespace ebworker
