#pragma once
// An HMAC over the exact message body bytes, as lowercase hex: SHA-256 for ebworker's own
// messages; SHA-1 for active_elastic_job's (the Rails gem's, keyed by the same secret as given,
// docs/rails.md). The web tier signs with the current key; the worker accepts the current key and
// any previous one, so keys can rotate without losing the messages already in the queue.

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/result.h>

namespace ebworker {

// The SQS message attributes a signed job carries (aws-sqsd forwards them as
// X-Aws-Sqsd-Attr-<name> headers).
inline constexpr std::string_view kDigestAttribute = "message-digest";
inline constexpr std::string_view kOriginAttribute = "origin";
inline constexpr std::string_view kOriginValue = "ebworker";

enum class HmacDigest { sha256, sha1 };

// Shorter keys are refused: HMAC-SHA256 wants at least 32 bytes of secret (and a Rails
// secret_key_base is 128 hex digits).
inline constexpr std::size_t kMinimumKeyBytes = 32;

// The secret jobs are signed with and the previous ones still accepted.
struct SigningKeys {
  std::string current;
  std::vector<std::string> previous{};
};
// SECRET_KEY_BASE and SECRET_KEY_BASE_PREVIOUS (comma-separated), unchecked.
SigningKeys signing_keys_from(const Environment& env);

class Signer {
 public:
  // Checks key lengths; the error names the variable a key came from.
  static Result<Signer> create(std::string current_key, std::vector<std::string> previous_keys = {},
                               std::string_view current_name = "SECRET_KEY_BASE",
                               std::string_view previous_name = "SECRET_KEY_BASE_PREVIOUS",
                               HmacDigest digest = HmacDigest::sha256);
  static Result<Signer> create(HmacDigest digest, SigningKeys keys);

  // Reads SECRET_KEY_BASE and SECRET_KEY_BASE_PREVIOUS (comma-separated).
  static Result<Signer> from_environment(const Environment& env);

  std::string sign(std::string_view body) const;

  // True when `digest_hex` is the digest of `body` under the current or a previous key.
  // Every candidate is compared in constant time.
  bool verify(std::string_view body, std::string_view digest_hex) const;

 private:
  friend std::string hmac_hex(HmacDigest digest, std::string_view key, std::string_view body);
  // One key's HMAC with its key schedule computed once (signer.cc): a request costs the
  // digest of its body, not a fresh key setup. Shared by copies of the Signer; thread-safe.
  class KeyedHmac;
  Signer(std::shared_ptr<const KeyedHmac> current, std::vector<std::shared_ptr<const KeyedHmac>> previous)
      : current_(std::move(current)), previous_(std::move(previous)) {}

  std::shared_ptr<const KeyedHmac> current_;
  std::vector<std::shared_ptr<const KeyedHmac>> previous_;
};

// One digest under any key, no length rule: the published test vectors (docs/rails.md).
std::string hmac_hex(HmacDigest digest, std::string_view key, std::string_view body);

}  // namespace ebworker
