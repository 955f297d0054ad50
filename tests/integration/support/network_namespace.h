#pragma once
// A network namespace joined to this one by a veth pair, so a test can send from an address
// that is not loopback: the host end gets A.B.C.1/24, the namespace end A.B.C.2/24, and both
// links are up. A.B.C is the first documentation network (192.0.2, 198.51.100, 203.0.113) that no
// address or route of this machine already touches: a sandbox may well use 192.0.2.0/24 for its
// own eth0, and taking its gateway's address would cut it off. Names are unique per process and
// per instance; the destructor deletes the veth pair and the namespace. Instances (in any
// process) are serialised by a lock file, since two pairs on one network would steal each
// other's replies.

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/process.h"

namespace ebworker::testing {

class NetworkNamespace {
 public:
  // nullptr with `*refusal` set when the machine refuses to create a namespace or a veth pair
  // (not root, no CAP_SYS_ADMIN / CAP_NET_ADMIN): the caller may skip. Throws
  // std::runtime_error for any other failure, a missing `ip` command included.
  static std::unique_ptr<NetworkNamespace> create(std::string* refusal);
  ~NetworkNamespace();
  NetworkNamespace(const NetworkNamespace&) = delete;
  NetworkNamespace& operator=(const NetworkNamespace&) = delete;

  const std::string& name() const { return name_; }
  const std::string& host_address() const { return host_address_; }            // A.B.C.1
  const std::string& namespace_address() const { return namespace_address_; }  // A.B.C.2
  const std::string& network() const { return network_; }                      // A.B.C.0/24
  // Runs `program args...` inside the namespace (`ip netns exec NAME ...`).
  CommandResult exec(const std::string& program, const std::vector<std::string>& args,
                     std::chrono::milliseconds timeout) const;

 private:
  NetworkNamespace() = default;

  int lock_fd_ = -1;
  std::string name_;
  std::string host_link_;
  std::string host_address_;
  std::string namespace_address_;
  std::string network_;
  bool namespace_created_ = false;
  bool link_created_ = false;
};

}  // namespace ebworker::testing
