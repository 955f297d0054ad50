#include "support/network_namespace.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <thread>

namespace ebworker::testing {

namespace {

using namespace std::chrono_literals;
constexpr auto kIpTimeout = 10s;
constexpr auto kLockTimeout = 60s;
constexpr const char* kLockPath = "/tmp/ebworker-integration-netns.lock";

// iproute2's `ip`, found even when PATH lacks the sbin directories.
const std::string& ip_program() {
  static const std::string path = [] {
    for (const char* candidate : {"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"})
      if (::access(candidate, X_OK) == 0) return std::string(candidate);
    throw std::runtime_error("the ip command (iproute2) is not installed");
  }();
  return path;
}

CommandResult ip(const std::vector<std::string>& args) {
  return run_command(ip_program(), args, base_environment(), kIpTimeout);
}

// Not root, or no CAP_SYS_ADMIN / CAP_NET_ADMIN: the only failures a test may skip for.
bool refused(const CommandResult& r) {
  if (r.success()) return false;
  for (const char* text : {"Operation not permitted", "Permission denied", "not supported", "Not supported"})
    if (r.err.find(text) != std::string::npos) return true;
  return false;
}

// Every IPv4 network (address/prefix, or a bare address as /32) in `text`.
struct Net {
  std::uint32_t address;
  int bits;
};

std::vector<Net> networks_in(const std::string& text) {
  std::vector<Net> out;
  std::istringstream words(text);
  for (std::string word; words >> word;) {
    const auto slash = word.find('/');
    const std::string addr = word.substr(0, slash);
    in_addr a{};
    if (::inet_pton(AF_INET, addr.c_str(), &a) != 1) continue;
    int bits = 32;
    if (slash != std::string::npos) bits = std::atoi(word.c_str() + slash + 1);
    if (bits < 0 || bits > 32) continue;
    out.push_back({ntohl(a.s_addr), bits});
  }
  return out;
}

bool overlaps(const Net& a, const Net& b) {
  const int bits = std::min(a.bits, b.bits);
  const std::uint32_t mask = bits == 0 ? 0 : ~std::uint32_t{0} << (32 - bits);
  return (a.address & mask) == (b.address & mask);
}

// The first documentation /24 that no address or route here touches ("default" routes aside).
std::string free_network() {
  const auto addrs = ip({"-4", "-o", "addr", "show"});
  const auto routes = ip({"-4", "route", "show", "table", "all"});
  if (!addrs.success() || !routes.success())
    throw std::runtime_error("cannot list addresses and routes: " + addrs.describe() + routes.describe());
  const auto used = networks_in(addrs.out + " " + routes.out);
  for (const char* candidate : {"192.0.2", "198.51.100", "203.0.113"}) {
    const Net net = networks_in(std::string(candidate) + ".0/24").front();
    if (std::none_of(used.begin(), used.end(), [&](const Net& u) { return overlaps(u, net); })) return candidate;
  }
  throw std::runtime_error("192.0.2.0/24, 198.51.100.0/24 and 203.0.113.0/24 are all in use here:\n" +
                           addrs.out + routes.out);
}

int acquire_lock() {
  // Read-only is enough for flock, and works whoever created the file.
  const int fd = ::open(kLockPath, O_RDONLY | O_CREAT | O_CLOEXEC, 0666);
  if (fd < 0) throw std::runtime_error(std::string("open ") + kLockPath + ": " + std::strerror(errno));
  const auto deadline = std::chrono::steady_clock::now() + kLockTimeout;
  while (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      const int e = errno;
      ::close(fd);
      throw std::runtime_error(std::string("flock ") + kLockPath + ": " + std::strerror(e));
    }
    if (std::chrono::steady_clock::now() >= deadline) {
      ::close(fd);
      throw std::runtime_error(std::string("another test held ") + kLockPath + " for over 60 s");
    }
    std::this_thread::sleep_for(20ms);
  }
  return fd;
}

}  // namespace

std::unique_ptr<NetworkNamespace> NetworkNamespace::create(std::string* refusal) {
  static std::atomic<int> counter{0};
  const std::string id = std::to_string(::getpid()) + "x" + std::to_string(counter++);
  std::unique_ptr<NetworkNamespace> ns(new NetworkNamespace);
  ns->lock_fd_ = acquire_lock();
  ns->name_ = "ebworker-it-" + id;
  ns->host_link_ = "ebh" + id;  // interface names: at most 15 characters
  const std::string ns_link = "ebn" + id;

  if (auto r = ip({"netns", "add", ns->name_}); !r.success()) {
    if (!refused(r)) throw std::runtime_error("ip netns add: " + r.describe());
    *refusal = "ip netns add " + ns->name_ + ": " + r.err;
    return nullptr;
  }
  ns->namespace_created_ = true;
  if (auto r = ip({"link", "add", ns->host_link_, "type", "veth", "peer", "name", ns_link}); !r.success()) {
    if (!refused(r)) throw std::runtime_error("ip link add: " + r.describe());
    *refusal = "ip link add " + ns->host_link_ + " type veth: " + r.err;
    return nullptr;
  }
  ns->link_created_ = true;
  // Chosen under the lock, so no other instance is using it.
  const std::string prefix = free_network();
  ns->host_address_ = prefix + ".1";
  ns->namespace_address_ = prefix + ".2";
  ns->network_ = prefix + ".0/24";
  const std::vector<std::vector<std::string>> steps = {
      {"link", "set", ns_link, "netns", ns->name_},
      {"addr", "add", ns->host_address_ + "/24", "dev", ns->host_link_},
      {"link", "set", ns->host_link_, "up"},
      {"-n", ns->name_, "addr", "add", ns->namespace_address_ + "/24", "dev", ns_link},
      {"-n", ns->name_, "link", "set", ns_link, "up"},
      {"-n", ns->name_, "link", "set", "lo", "up"},
  };
  for (const auto& step : steps) {
    if (auto r = ip(step); !r.success()) {
      std::string command = "ip";
      for (const auto& a : step) command += " " + a;
      throw std::runtime_error(command + ": " + r.describe());
    }
  }
  return ns;
}

NetworkNamespace::~NetworkNamespace() {
  // Deleting one end of a veth pair deletes both; deleting the namespace would too, but only
  // once nothing holds it, so delete the link explicitly.
  if (link_created_) (void)ip({"link", "del", host_link_});
  if (namespace_created_) (void)ip({"netns", "del", name_});
  if (lock_fd_ >= 0) ::close(lock_fd_);
}

CommandResult NetworkNamespace::exec(const std::string& program, const std::vector<std::string>& args,
                                     std::chrono::milliseconds timeout) const {
  std::vector<std::string> all = {"netns", "exec", name_, program};
  all.insert(all.end(), args.begin(), args.end());
  return run_command(ip_program(), all, base_environment(), timeout);
}

}  // namespace ebworker::testing
