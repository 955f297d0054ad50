#pragma once
// HMAC-SHA256 over the exact message body bytes, as lowercase hex. The web tier signs with the
// current key; the worker accepts the current key and any previous one, so keys can rotate
// without losing the messages already in the queue.

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

// Shorter keys are refused: HMAC-SHA256 wants at least 32 bytes of secret.
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
                               std::string_view previous_name = "SECRET_KEY_BASE_PREVIOUS");

  // Reads SECRET_KEY_BASE and SECRET_KEY_BASE_PREVIOUS (comma-separated).
  static Result<Signer> from_environment(const Environment& env);

  std::string sign(std::string_view body) const;

  // True when `digest_hex` is the digest of `body` under the current or a previous key.
  // Every candidate is compared in constant time.
  bool verify(std::string_view body, std::string_view digest_hex) const;

 private:
  // One key's HMAC-SHA256 with its key schedule computed once (signer.cc): a request costs the
  // digest of its body, not a fresh key setup. Shared by copies of the Signer; thread-safe.
  class KeyedHmac;
  Signer(std::shared_ptr<const KeyedHmac> current, std::vector<std::shared_ptr<const KeyedHmac>> previous)
      : current_(std::move(current)), previous_(std::move(previous)) {}

  std::shared_ptr<const KeyedHmac> current_;
  std::vector<std::shared_ptr<const KeyedHmac>> previous_;
};

}  // namespace ebworker
