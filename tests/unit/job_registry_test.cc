// JobRegistry: jobs by exact name; registration mistakes throw at start-up.

#include <gtest/gtest.h>

#include <stdexcept>

#include <ebworker/worker/job_registry.h>

namespace ebworker {
namespace {

class NamedJob : public Job {
 public:
  static constexpr std::string_view name = "NamedJob";
  JobResult perform(const rapidjson::Value&, JobContext&) override { return done(); }
};

TEST(JobRegistry, AddByTypeAndByName) {
  JobRegistry r;
  r.add<NamedJob>().add("Other", [] { return std::make_unique<NamedJob>(); });
  EXPECT_TRUE(r.contains("NamedJob"));
  EXPECT_TRUE(r.contains("Other"));
  EXPECT_FALSE(r.contains("namedjob"));
  EXPECT_FALSE(r.contains(""));
  EXPECT_EQ(r.names(), (std::vector<std::string>{"NamedJob", "Other"}));
  EXPECT_NE(r.create("NamedJob"), nullptr);
  EXPECT_EQ(r.create("Missing"), nullptr);
  auto a = r.create("NamedJob");
  auto b = r.create("NamedJob");
  EXPECT_NE(a.get(), b.get());
}

TEST(JobRegistry, RegistrationMistakesThrow) {
  JobRegistry r;
  r.add<NamedJob>();
  EXPECT_THROW(r.add<NamedJob>(), std::invalid_argument);
  EXPECT_THROW(r.add("", [] { return std::make_unique<NamedJob>(); }), std::invalid_argument);
  EXPECT_THROW(r.add("NoFactory", JobRegistry::Factory()), std::invalid_argument);
  EXPECT_EQ(r.names().size(), 1u);
}

}  // namespace
}  // namespace ebworker
