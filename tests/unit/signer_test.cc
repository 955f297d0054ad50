// Message signing: HMAC-SHA256 of the exact body bytes as lowercase hex, verified against the
// current key and any previous key, keys checked for length, read from the environment.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cctype>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "envelope/signer.h"

namespace ebworker {
namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";  // exactly 32 bytes
const std::string kOldKey = "an-older-key-that-was-rotated-out-0001";
const std::string kOtherKey = "yet-another-key-of-at-least-32-bytes!!";
const std::string kBody = R"({"job_class":"EchoJob"})";

// Independent of the code under test: OpenSSL's one-shot HMAC, hex-encoded here.
std::string reference_hmac(const std::string& key, const std::string& body) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), out, &len);
  static constexpr char hex[] = "0123456789abcdef";
  std::string s;
  for (unsigned int i = 0; i < len; ++i) {
    s.push_back(hex[out[i] >> 4]);
    s.push_back(hex[out[i] & 0x0f]);
  }
  return s;
}

Signer make_signer(const std::string& key, std::vector<std::string> previous = {}) {
  auto s = Signer::create(key, std::move(previous));
  if (!s) throw std::runtime_error(s.error().message);
  return std::move(s).value();
}

bool is_lower_hex(const std::string& s) {
  for (char c : s)
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

TEST(Signer, KnownVector) {
  // printf %s '{"job_class":"EchoJob"}' | openssl dgst -sha256 -hmac 0123456789abcdef0123456789abcdef
  const std::string expected = "0f02a9848963d5e2d3310d7e9c5c3e3f5d63c734e84eedeeffeb1ebe7d1ce219";
  const Signer signer = make_signer(kKey);
  EXPECT_EQ(signer.sign(kBody), expected);
  EXPECT_EQ(reference_hmac(kKey, kBody), expected);
  EXPECT_TRUE(signer.verify(kBody, expected));
}

TEST(Signer, MatchesOpenSslForVariousBodies) {
  const Signer signer = make_signer(kKey);
  for (const std::string& body :
       {std::string(), std::string("x"), std::string("a\0b", 3), std::string(100000, 'z'),
        std::string("elasticbeanstalk scheduled job"), std::string("\xc3\xa9\xff")}) {
    const std::string digest = signer.sign(body);
    EXPECT_EQ(digest, reference_hmac(kKey, body));
    EXPECT_EQ(digest.size(), 64u);
    EXPECT_TRUE(is_lower_hex(digest)) << digest;
    EXPECT_TRUE(signer.verify(body, digest));
  }
}

TEST(Signer, RefusesAnAlteredBody) {
  const Signer signer = make_signer(kKey);
  const std::string digest = signer.sign(kBody);
  EXPECT_FALSE(signer.verify(kBody + " ", digest));
  EXPECT_FALSE(signer.verify(R"({"job_class":"EchoJoc"})", digest));
  EXPECT_FALSE(signer.verify("", digest));
}

TEST(Signer, RefusesADigestMadeWithAnotherKey) {
  const Signer signer = make_signer(kKey);
  EXPECT_FALSE(signer.verify(kBody, reference_hmac(kOtherKey, kBody)));
  EXPECT_FALSE(signer.verify(kBody, make_signer(kOtherKey).sign(kBody)));
}

TEST(Signer, RefusesMalformedDigests) {
  const Signer signer = make_signer(kKey);
  const std::string digest = signer.sign(kBody);
  std::string upper = digest;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  ASSERT_NE(upper, digest);
  EXPECT_FALSE(signer.verify(kBody, upper));
  EXPECT_FALSE(signer.verify(kBody, digest.substr(0, 63)));
  EXPECT_FALSE(signer.verify(kBody, digest.substr(0, 32)));
  EXPECT_FALSE(signer.verify(kBody, digest + "0"));
  EXPECT_FALSE(signer.verify(kBody, digest + digest));
  EXPECT_FALSE(signer.verify(kBody, ""));
  EXPECT_FALSE(signer.verify(kBody, " " + digest.substr(1)));
  std::string non_hex = digest;
  non_hex[10] = 'g';
  EXPECT_FALSE(signer.verify(kBody, non_hex));
  // One flipped bit anywhere is a different digest.
  for (size_t i = 0; i < digest.size(); ++i) {
    std::string flipped = digest;
    flipped[i] = flipped[i] == '0' ? '1' : '0';
    EXPECT_FALSE(signer.verify(kBody, flipped)) << "position " << i;
  }
}

TEST(Signer, PreviousKeysVerifyButDoNotSign) {
  const std::string old_digest = make_signer(kOldKey).sign(kBody);
  const Signer rotated = make_signer(kKey, {kOtherKey, kOldKey});
  EXPECT_TRUE(rotated.verify(kBody, old_digest));
  EXPECT_TRUE(rotated.verify(kBody, reference_hmac(kOtherKey, kBody)));
  EXPECT_TRUE(rotated.verify(kBody, reference_hmac(kKey, kBody)));
  EXPECT_EQ(rotated.sign(kBody), reference_hmac(kKey, kBody));
  EXPECT_FALSE(rotated.verify(kBody + "x", old_digest));

  const Signer not_rotated = make_signer(kKey, {kOtherKey});
  EXPECT_FALSE(not_rotated.verify(kBody, old_digest));
  EXPECT_FALSE(make_signer(kKey).verify(kBody, old_digest));
}

TEST(Signer, KeyLengthsAreChecked) {
  auto exact = Signer::create(std::string(32, 'k'));
  EXPECT_TRUE(exact.has_value());

  auto missing = Signer::create("");
  ASSERT_FALSE(missing.has_value());
  EXPECT_EQ(missing.error().message, "SECRET_KEY_BASE is not set");

  auto short_key = Signer::create(std::string(31, 'k'));
  ASSERT_FALSE(short_key.has_value());
  EXPECT_EQ(short_key.error().message, "SECRET_KEY_BASE is shorter than 32 bytes");

  auto short_previous = Signer::create(kKey, {kOldKey, std::string(31, 'p')});
  ASSERT_FALSE(short_previous.has_value());
  EXPECT_EQ(short_previous.error().message,
            "SECRET_KEY_BASE_PREVIOUS holds a key shorter than 32 bytes");

  auto renamed = Signer::create("short", {}, "MY_KEY", "MY_OLD_KEYS");
  ASSERT_FALSE(renamed.has_value());
  EXPECT_EQ(renamed.error().message, "MY_KEY is shorter than 32 bytes");
}

// The keys come from the environment the command line passes in, never from the process's.
TEST(SignerFromEnvironment, ReadsCurrentAndCommaSeparatedPreviousKeys) {
  const Environment env{{"SECRET_KEY_BASE", kKey}, {"SECRET_KEY_BASE_PREVIOUS", kOldKey + ",," + kOtherKey + ","}};
  auto signer = Signer::from_environment(env);
  ASSERT_TRUE(signer.has_value()) << signer.error().message;
  EXPECT_EQ(signer->sign(kBody), reference_hmac(kKey, kBody));
  EXPECT_TRUE(signer->verify(kBody, reference_hmac(kOldKey, kBody)));
  EXPECT_TRUE(signer->verify(kBody, reference_hmac(kOtherKey, kBody)));
  EXPECT_FALSE(signer->verify(kBody, reference_hmac(std::string(40, 'n'), kBody)));
}

TEST(SignerFromEnvironment, BlanksAroundPreviousKeysAreTrimmed) {
  const Environment env{{"SECRET_KEY_BASE", kKey}, {"SECRET_KEY_BASE_PREVIOUS", " " + kOldKey + " , " + kOtherKey + "\t"}};
  auto signer = Signer::from_environment(env);
  ASSERT_TRUE(signer.has_value()) << signer.error().message;
  EXPECT_TRUE(signer->verify(kBody, reference_hmac(kOldKey, kBody)));
  EXPECT_TRUE(signer->verify(kBody, reference_hmac(kOtherKey, kBody)));
}

TEST(SignerFromEnvironment, PreviousIsOptional) {
  auto signer = Signer::from_environment({{"SECRET_KEY_BASE", kKey}});
  ASSERT_TRUE(signer.has_value()) << signer.error().message;
  EXPECT_TRUE(signer->verify(kBody, reference_hmac(kKey, kBody)));
  EXPECT_FALSE(signer->verify(kBody, reference_hmac(kOldKey, kBody)));
}

TEST(SignerFromEnvironment, MissingKeyNamesTheVariable) {
  auto signer = Signer::from_environment({});
  ASSERT_FALSE(signer.has_value());
  EXPECT_EQ(signer.error().message, "SECRET_KEY_BASE is not set");
}

// Empty is unset, as for every variable read through core/environment_lookup.h.
TEST(SignerFromEnvironment, EmptyCountsAsUnset) {
  auto empty_current = Signer::from_environment({{"SECRET_KEY_BASE", ""}});
  ASSERT_FALSE(empty_current.has_value());
  EXPECT_EQ(empty_current.error().message, "SECRET_KEY_BASE is not set");
  auto empty_previous = Signer::from_environment({{"SECRET_KEY_BASE", kKey}, {"SECRET_KEY_BASE_PREVIOUS", ""}});
  ASSERT_TRUE(empty_previous.has_value()) << empty_previous.error().message;
  EXPECT_TRUE(empty_previous->verify(kBody, reference_hmac(kKey, kBody)));
}

TEST(SignerFromEnvironment, ShortKeysNameTheirVariable) {
  auto short_current = Signer::from_environment({{"SECRET_KEY_BASE", "too-short"}});
  ASSERT_FALSE(short_current.has_value());
  EXPECT_EQ(short_current.error().message, "SECRET_KEY_BASE is shorter than 32 bytes");
  auto short_previous =
      Signer::from_environment({{"SECRET_KEY_BASE", kKey}, {"SECRET_KEY_BASE_PREVIOUS", kOldKey + ",short"}});
  ASSERT_FALSE(short_previous.has_value());
  EXPECT_EQ(short_previous.error().message, "SECRET_KEY_BASE_PREVIOUS holds a key shorter than 32 bytes");
}

}  // namespace
}  // namespace ebworker
