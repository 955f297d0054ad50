// The Stack: middlewares run in the order written, each around the rest of the chain; users edit
// it by type (add, insert_before, remove), and a middleware may answer itself.

#include <gtest/gtest.h>

#include <string>
#include <typeindex>
#include <vector>

#include <ebworker/worker/stack.h>

namespace ebworker {
namespace {

using Calls = std::vector<std::string>;

// Records entering and leaving; one type per N so the stack can find it by type.
template <int N>
class Recorder : public Middleware {
 public:
  explicit Recorder(Calls& calls) : calls_(calls) {}
  Response call(Request& request, const Next& next) const override {
    calls_.push_back(">" + std::to_string(N));
    Response response = next(request);
    calls_.push_back("<" + std::to_string(N));
    return response;
  }

 private:
  Calls& calls_;
};

class Refuse : public Middleware {
 public:
  explicit Refuse(Calls& calls) : calls_(calls) {}
  Response call(Request&, const Next&) const override {
    calls_.push_back("refuse");
    return Response::refuse(401, "no");
  }

 private:
  Calls& calls_;
};

// Writes into the request so later middlewares and the app see it.
class TagPath : public Middleware {
 public:
  Response call(Request& request, const Next& next) const override {
    request.path += "tagged";
    return next(request);
  }
};

class StackTest : public ::testing::Test {
 protected:
  Response run() {
    Request request;
    return stack.call(request, app);
  }

  Calls calls;
  Stack stack;
  App app = [this](Request&) {
    calls.push_back("app");
    return Response::ok("from app\n");
  };
};

TEST_F(StackTest, EmptyStackCallsTheApp) {
  const Response r = run();
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "from app\n");
  EXPECT_EQ(calls, (Calls{"app"}));
  EXPECT_EQ(stack.size(), 0u);
}

TEST_F(StackTest, RunsInTheOrderWritten) {
  stack.add<Recorder<1>>(calls).add<Recorder<2>>(calls).add<Recorder<3>>(calls);
  const Response r = run();
  EXPECT_EQ(r.body, "from app\n");
  EXPECT_EQ(calls, (Calls{">1", ">2", ">3", "app", "<3", "<2", "<1"}));
  EXPECT_EQ(stack.order(), (std::vector<std::type_index>{typeid(Recorder<1>), typeid(Recorder<2>),
                                                          typeid(Recorder<3>)}));
  EXPECT_EQ(stack.size(), 3u);
}

TEST_F(StackTest, AddTakesAnInstance) {
  stack.add(std::make_unique<Recorder<7>>(calls));
  EXPECT_TRUE(stack.contains<Recorder<7>>());
  run();
  EXPECT_EQ(calls, (Calls{">7", "app", "<7"}));
}

TEST_F(StackTest, InsertBefore) {
  stack.add<Recorder<1>>(calls).add<Recorder<3>>(calls);
  stack.insert_before<Recorder<3>>(std::make_unique<Recorder<2>>(calls));
  stack.insert_before<Recorder<1>>(std::make_unique<Recorder<0>>(calls));
  EXPECT_EQ(stack.order(), (std::vector<std::type_index>{typeid(Recorder<0>), typeid(Recorder<1>),
                                                          typeid(Recorder<2>), typeid(Recorder<3>)}));
  run();
  EXPECT_EQ(calls, (Calls{">0", ">1", ">2", ">3", "app", "<3", "<2", "<1", "<0"}));
}

TEST_F(StackTest, InsertBeforeGoesBeforeTheFirstOfThatType) {
  stack.add<Recorder<1>>(calls).add<Recorder<2>>(calls).add<Recorder<1>>(calls);
  stack.insert_before<Recorder<1>>(std::make_unique<Recorder<9>>(calls));
  EXPECT_EQ(stack.order(), (std::vector<std::type_index>{typeid(Recorder<9>), typeid(Recorder<1>),
                                                          typeid(Recorder<2>), typeid(Recorder<1>)}));
}

TEST_F(StackTest, InsertBeforeAMissingTypeThrowsAndChangesNothing) {
  stack.add<Recorder<1>>(calls);
  EXPECT_THROW(stack.insert_before<Recorder<2>>(std::make_unique<Recorder<3>>(calls)),
               std::invalid_argument);
  EXPECT_EQ(stack.size(), 1u);
  EXPECT_FALSE(stack.contains<Recorder<3>>());
}

TEST_F(StackTest, RemoveAndContains) {
  stack.add<Recorder<1>>(calls).add<Recorder<2>>(calls).add<Recorder<1>>(calls).add<Recorder<3>>(calls);
  EXPECT_TRUE(stack.contains<Recorder<1>>());
  EXPECT_FALSE(stack.contains<Recorder<4>>());
  EXPECT_EQ(stack.remove<Recorder<1>>(), 2u);
  EXPECT_FALSE(stack.contains<Recorder<1>>());
  EXPECT_EQ(stack.remove<Recorder<1>>(), 0u);
  EXPECT_EQ(stack.remove<Recorder<4>>(), 0u);
  EXPECT_EQ(stack.order(), (std::vector<std::type_index>{typeid(Recorder<2>), typeid(Recorder<3>)}));
  run();
  EXPECT_EQ(calls, (Calls{">2", ">3", "app", "<3", "<2"}));
}

TEST_F(StackTest, AMiddlewareCanAnswerItself) {
  stack.add<Recorder<1>>(calls).add<Refuse>(calls).add<Recorder<2>>(calls);
  const Response r = run();
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.reason, "no");
  EXPECT_EQ(r.body, "no\n");
  EXPECT_EQ(calls, (Calls{">1", "refuse", "<1"}));
}

TEST_F(StackTest, TheRequestIsSharedAlongTheChain) {
  stack.add<TagPath>().add<TagPath>();
  Request request;
  std::string seen;
  stack.call(request, [&](Request& r) {
    seen = r.path;
    return Response::ok();
  });
  EXPECT_EQ(seen, "taggedtagged");
  EXPECT_EQ(request.path, "taggedtagged");
}

TEST_F(StackTest, TheStackCanBeCalledAgain) {
  stack.add<Recorder<1>>(calls);
  run();
  run();
  EXPECT_EQ(calls, (Calls{">1", "app", "<1", ">1", "app", "<1"}));
}

}  // namespace
}  // namespace ebworker
