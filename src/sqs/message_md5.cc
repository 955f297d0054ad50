#include "sqs/message_md5.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <stdexcept>

#include "core/hex.h"

namespace ebworker {

namespace {

class Md5 {
 public:
  Md5() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_.get(), EVP_md5(), nullptr) != 1)
      throw std::runtime_error("MD5 is not available from OpenSSL");
  }
  void update(std::string_view bytes) { EVP_DigestUpdate(ctx_.get(), bytes.data(), bytes.size()); }
  void update_length_prefixed(std::string_view bytes) {
    const auto n = static_cast<std::uint32_t>(bytes.size());
    const char length[4] = {static_cast<char>(n >> 24), static_cast<char>(n >> 16),
                            static_cast<char>(n >> 8), static_cast<char>(n)};
    update({length, 4});
    update(bytes);
  }
  std::string hex() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    EVP_DigestFinal_ex(ctx_.get(), digest, &len);
    return to_hex(digest, len);
  }

 private:
  struct Free {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> ctx_;
};

}  // namespace

std::string md5_of_body(std::string_view body) {
  Md5 md5;
  md5.update(body);
  return md5.hex();
}

std::string md5_of_attributes(std::vector<MessageAttribute> attributes) {
  std::sort(attributes.begin(), attributes.end(),
            [](const MessageAttribute& a, const MessageAttribute& b) { return a.name < b.name; });
  Md5 md5;
  for (const auto& a : attributes) {
    md5.update_length_prefixed(a.name);
    md5.update_length_prefixed(a.data_type);
    const bool binary = a.data_type.rfind("Binary", 0) == 0;
    md5.update(binary ? std::string_view("\x02", 1) : std::string_view("\x01", 1));
    md5.update_length_prefixed(a.value);
  }
  return md5.hex();
}

}  // namespace ebworker
