#include <ebworker/worker/stack.h>

namespace ebworker {

Response Next::operator()(Request& request) const {
  if (index_ >= entries_->size()) return (*end_)(request);
  return (*entries_)[index_].middleware->call(request, Next(*entries_, index_ + 1, *end_));
}

std::vector<std::type_index> Stack::order() const {
  std::vector<std::type_index> types;
  for (const auto& e : entries_) types.push_back(e.type);
  return types;
}

Response Stack::call(Request& request, const App& app) const {
  return Next(entries_, 0, app)(request);
}

}  // namespace ebworker
