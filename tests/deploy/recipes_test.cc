// The scale-out recipes under deploy/ are consistent with ebworker and with each other: every file
// parses; every setting and flag they use is one docs/configuration.md documents (read at run
// time, and tied to the code's settings tables by unit.ConfigurationDocs.*); the pods' and tasks'
// timeouts, sizes and wiring agree; the autoscalers point at the workload and queue the recipes
// run; the IAM policies are well formed and grant what the recipes use.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <regex>

#include "recipes.h"
#include "timeouts.h"

namespace ebworker::recipes {
namespace {

// What the worker's poller may still need after SIGTERM once the worker's shutdown timeout is
// over: receiving stops within 1 s, then unstarted messages are handed back and pending deletes
// flushed, SQS calls bounded by the client's default retry budget (EBWORKER_SQS_RETRY_BUDGET, 20 s).
constexpr long kDaemonDrainSeconds = 1 + 20;
// ECS on Fargate accepts a stopTimeout of at most 120 s.
constexpr long kMaxFargateStopTimeout = 120;
// The worker's default EBWORKER_SHUTDOWN_TIMEOUT (docs/configuration.md).
constexpr long kDefaultShutdownTimeout = 30;

std::vector<fs::path> recipe_files() {
  std::vector<fs::path> files;
  for (const auto& [dir, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"deploy/kubernetes", ".yaml"}, {"deploy/cloudformation", ".yaml"},
           {"deploy/elasticbeanstalk", ".config"}})
    for (auto& f : files_in(kRoot / dir, suffix)) files.push_back(f);
  return files;
}

TEST(DeployRecipes, EveryFileParses) {
  const auto files = recipe_files();
  ASSERT_GE(files.size(), 7u) << "the Kubernetes, CloudFormation and Beanstalk recipes";
  for (const auto& file : files) {
    std::vector<YAML::Node> docs;
    EXPECT_NO_THROW(docs = load_yaml_documents(file)) << file;
    EXPECT_FALSE(docs.empty()) << file;
    EXPECT_NE(read_file(file).find('#'), std::string::npos) << file << " has no comment";
  }
}

TEST(DeployRecipes, EveryEbworkerVariableTheyNameIsDocumented) {
  const ConfigurationDocs docs;
  const std::regex variable(R"(\bEBWORKER_[A-Z0-9_]*[A-Z0-9])");
  std::size_t seen = 0;
  for (const auto& file : recipe_files()) {
    const std::string text = read_file(file);
    for (std::sregex_iterator it(text.begin(), text.end(), variable), end; it != end; ++it, ++seen) {
      const std::string name = (*it)[0];
      const bool daemon = name.rfind("EBWORKER_SQSD_", 0) == 0;
      EXPECT_TRUE(daemon ? docs.documents_in("ebworker sqsd", name) : docs.documents(name))
          << file.lexically_relative(kRoot) << " names " << name
          << ", which docs/configuration.md's tables do not document";
    }
  }
  EXPECT_GT(seen, 20u);
}

TEST(DeployRecipes, EveryContainerSettingAndFlagIsDocumented) {
  const ConfigurationDocs docs;
  for (const Pod& pod : {kubernetes_pod(), ecs_task()}) {
    ASSERT_TRUE(pod.find("serve")) << pod.source << " has no `ebworker serve` container";
    EXPECT_EQ(pod.containers.size(), 1u) << pod.source << ": one container, the worker polling its queue itself";
    for (const auto& c : pod.containers) {
      const std::string section = "ebworker " + c.ebworker_command();
      for (const auto& [name, value] : c.env)
        EXPECT_TRUE(docs.documents(name)) << c.source << ": " << name << " is not documented";
      for (const auto& name : c.secret_env)
        EXPECT_TRUE(docs.documents(name)) << c.source << ": " << name << " is not documented";
      for (const auto& flag : c.flags())
        EXPECT_TRUE(docs.documents_in(section, flag))
            << c.source << ": " << flag << " is not in docs/configuration.md's \"" << section << "\" table";
    }
  }
}

// What both the pod and the task must get right: one container, the worker polling its queue.
void expect_wired(const Pod& pod) {
  const Container* worker = pod.find("serve");
  ASSERT_TRUE(worker) << pod.source;
  EXPECT_FALSE(pod.find("sqsd")) << pod.source << ": the worker polls the queue itself, no daemon beside it";
  // Loopback only, no trusted source besides it: the image's Beanstalk defaults are overridden.
  EXPECT_EQ(worker->env.at("EBWORKER_BIND"), "127.0.0.1") << worker->source;
  ASSERT_TRUE(worker->env.count("EBWORKER_TRUSTED_SOURCES")) << worker->source << ": the image sets gateway";
  EXPECT_EQ(worker->env.at("EBWORKER_TRUSTED_SOURCES"), "") << worker->source;
  EXPECT_EQ(worker->env.at("EBWORKER_PROCESS_JOBS"), "true") << worker->source;
  // The secret from a secret store, never a literal.
  EXPECT_TRUE(worker->secret_env.count("SECRET_KEY_BASE")) << worker->source;
  EXPECT_FALSE(worker->env.count("SECRET_KEY_BASE")) << worker->source;
  // It polls a queue, and its retries and hops go to that queue.
  ASSERT_TRUE(worker->env.count("EBWORKER_SQSD_QUEUE_URL")) << worker->source << ": polls no queue";
  EXPECT_EQ(worker->env.at("EBWORKER_QUEUE_URL"), worker->env.at("EBWORKER_SQSD_QUEUE_URL")) << pod.source;
  // The timeouts follow the one setting, the longest a job may run (timeouts.h): the visibility
  // timeout is it + 60 and the job time budget two thirds of it.
  const auto visibility = worker->env_number("EBWORKER_SQSD_VISIBILITY_TIMEOUT");
  ASSERT_TRUE(visibility) << worker->source << ": the default visibility (300 s) follows no setting";
  const deploy::Timeouts timeouts{*visibility - 60};
  EXPECT_EQ(worker->env_number("EBWORKER_JOB_TIME_BUDGET"), timeouts.job_time_budget())
      << pod.source << ": EBWORKER_JOB_TIME_BUDGET = (EBWORKER_SQSD_VISIBILITY_TIMEOUT - 60) x 2/3";
  // Many pods on one queue elect their cron leader.
  const auto leader = worker->flag_value("--leader");
  ASSERT_TRUE(leader) << worker->source << ": no --leader";
  EXPECT_TRUE(std::regex_match(*leader, std::regex("dynamodb:[A-Za-z0-9_.-]{3,255}"))) << *leader;
  // Health probes run inside the container, against loopback, on the configured path and port.
  ASSERT_FALSE(worker->probes.empty()) << worker->source << " has no health probe";
  for (const auto& probe : worker->probes) {
    ASSERT_GE(probe.size(), 3u) << worker->source;
    EXPECT_NE(probe.back().find("/dev/tcp/127.0.0.1/$PORT"), std::string::npos) << probe.back();
    EXPECT_NE(probe.back().find("\"$EBWORKER_HEALTH_PATH\""), std::string::npos) << probe.back();
  }
  ASSERT_TRUE(worker->env.count("EBWORKER_HEALTH_PATH")) << worker->source << ": the probes read it";
  EXPECT_FALSE(worker->env.at("EBWORKER_HEALTH_PATH").empty()) << "an empty path turns the endpoint off";
}

TEST(DeployRecipes, KubernetesPodIsWired) { expect_wired(kubernetes_pod()); }
TEST(DeployRecipes, EcsTaskIsWired) { expect_wired(ecs_task()); }

// CloudFormation has no arithmetic: base.yaml and ecs.yaml take the one setting as their
// InactivityTimeout parameter, with the same choices, and look up what follows from it in a
// Timeouts mapping, each row of which follows timeouts.h.
TEST(DeployRecipes, CloudFormationTimeoutsFollowOneParameter) {
  std::optional<YAML::Node> choices;
  for (const char* file : {"deploy/cloudformation/base.yaml", "deploy/cloudformation/ecs.yaml"}) {
    const YAML::Node doc = load_yaml_documents(kRoot / file).at(0);
    const YAML::Node parameter = doc["Parameters"]["InactivityTimeout"];
    ASSERT_TRUE(parameter && parameter["AllowedValues"]) << file << ": no InactivityTimeout parameter with its choices";
    if (!choices) choices = parameter["AllowedValues"];
    EXPECT_EQ(YAML::Dump(parameter["AllowedValues"]), YAML::Dump(*choices)) << file << ": other choices than base.yaml's";
    EXPECT_EQ(parameter["Default"].as<std::string>(), "900") << file;
    const YAML::Node rows = doc["Mappings"]["Timeouts"];
    ASSERT_TRUE(rows && rows.IsMap()) << file << ": no Timeouts mapping";
    EXPECT_EQ(rows.size(), parameter["AllowedValues"].size()) << file << ": one row per choice";
    for (const auto& choice : parameter["AllowedValues"]) {
      const std::string key = choice.as<std::string>();
      const YAML::Node row = rows[key];
      ASSERT_TRUE(row && row.IsMap()) << file << ": no Timeouts row " << key;
      const deploy::Timeouts timeouts{std::stol(key)};
      EXPECT_EQ(row["VisibilityTimeout"].as<long>(), timeouts.visibility()) << file << ": row " << key;
      if (row["JobTimeBudget"]) {
        EXPECT_EQ(row["JobTimeBudget"].as<long>(), timeouts.job_time_budget()) << file << ": row " << key;
      }
    }
  }
  // The queue hides a message as long as the task's worker does.
  const CloudFormationTemplate base = base_stack();
  const Pod task = ecs_task();
  ASSERT_TRUE(task.find("serve"));
  EXPECT_EQ(base.properties("Queue")["VisibilityTimeout"].as<long>(),
            task.find("serve")->env_number("EBWORKER_SQSD_VISIBILITY_TIMEOUT"));
}

// On Beanstalk the bundle holds the timeouts (nginx's can only be there, and scripts/eb_check.sh
// checks them together): beanstalk.yaml overriding one of them would split what follows one setting.
TEST(DeployRecipes, BeanstalkStackLeavesTheTimeoutsToTheBundle) {
  const CloudFormationTemplate stack = beanstalk_stack();
  for (const auto& id : stack.resources_of_type("AWS::ElasticBeanstalk::Environment", true))
    for (const auto& setting : stack.properties(id)["OptionSettings"]) {
      const std::string name = setting["OptionName"].as<std::string>();
      for (const char* timeout : {"InactivityTimeout", "VisibilityTimeout", "EBWORKER_JOB_TIME_BUDGET",
                                  "EBWORKER_CONNECTION_TIMEOUT", "EBWORKER_SHUTDOWN_TIMEOUT"})
        EXPECT_NE(name, timeout) << stack.source() << ": " << id << " sets " << name;
    }
}

TEST(DeployRecipes, KubernetesGraceCoversTheShutdownTimeoutAndThePollersDrain) {
  const YAML::Node deployment = kubernetes_object("Deployment");
  ASSERT_TRUE(deployment.IsMap());
  const auto spec = deployment["spec"]["template"]["spec"];
  ASSERT_TRUE(spec["terminationGracePeriodSeconds"]) << "Kubernetes' default is 30 s";
  const long grace = spec["terminationGracePeriodSeconds"].as<long>();
  const Pod pod = kubernetes_pod();
  ASSERT_TRUE(pod.find("serve"));
  const long shutdown = pod.find("serve")->env_number("EBWORKER_SHUTDOWN_TIMEOUT").value_or(kDefaultShutdownTimeout);
  EXPECT_GT(grace, shutdown + kDaemonDrainSeconds)
      << "terminationGracePeriodSeconds " << grace << " vs EBWORKER_SHUTDOWN_TIMEOUT " << shutdown;
}

TEST(DeployRecipes, KubernetesServiceAccountIsForPodIdentity) {
  const YAML::Node deployment = kubernetes_object("Deployment");
  const YAML::Node account = kubernetes_object("ServiceAccount");
  ASSERT_TRUE(deployment.IsMap() && account.IsMap());
  EXPECT_EQ(deployment["spec"]["template"]["spec"]["serviceAccountName"].as<std::string>(),
            account["metadata"]["name"].as<std::string>());
  // IRSA's role annotation would give the pod web identity tokens, which ebworker cannot use.
  const auto annotations = account["metadata"]["annotations"];
  EXPECT_FALSE(annotations && annotations["eks.amazonaws.com/role-arn"]) << "IRSA is not supported: use EKS Pod Identity";
}

TEST(DeployRecipes, ScaledObjectScalesTheDeploymentOnItsQueue) {
  const YAML::Node deployment = kubernetes_object("Deployment");
  const YAML::Node scaled = kubernetes_object("ScaledObject");
  ASSERT_TRUE(deployment.IsMap() && scaled.IsMap());
  const auto target = scaled["spec"]["scaleTargetRef"];
  EXPECT_EQ(target["name"].as<std::string>(), deployment["metadata"]["name"].as<std::string>());
  if (target["kind"]) {
    EXPECT_EQ(target["kind"].as<std::string>(), "Deployment");
  }
  const long min = scaled["spec"]["minReplicaCount"] ? scaled["spec"]["minReplicaCount"].as<long>() : 0;
  const long max = scaled["spec"]["maxReplicaCount"] ? scaled["spec"]["maxReplicaCount"].as<long>() : 100;
  EXPECT_LE(min, max);
  const Pod pod = kubernetes_pod();
  ASSERT_TRUE(pod.find("serve"));
  const auto triggers = scaled["spec"]["triggers"];
  ASSERT_TRUE(triggers && triggers.size() == 1u);
  const auto trigger = triggers[0];
  EXPECT_EQ(trigger["type"].as<std::string>(), "aws-sqs-queue");
  EXPECT_EQ(trigger["metadata"]["queueURL"].as<std::string>(), pod.find("serve")->env.at("EBWORKER_SQSD_QUEUE_URL"));
  EXPECT_EQ(trigger["metadata"]["awsRegion"].as<std::string>(), pod.find("serve")->env.at("AWS_REGION"));
  const long length = std::stol(trigger["metadata"]["queueLength"].as<std::string>());
  EXPECT_GE(length, 1);
  // The TriggerAuthentication it names exists and uses the pod identity provider.
  const YAML::Node auth = kubernetes_object("TriggerAuthentication");
  ASSERT_TRUE(auth.IsMap());
  EXPECT_EQ(trigger["authenticationRef"]["name"].as<std::string>(), auth["metadata"]["name"].as<std::string>());
  EXPECT_EQ(auth["spec"]["podIdentity"]["provider"].as<std::string>(), "aws");
}

// ecs.yaml's task definition, resolved (recipes.h, CloudFormationTemplate).
YAML::Node ecs_task_definition() {
  const CloudFormationTemplate stack = ecs_stack();
  const auto ids = stack.resources_of_type("AWS::ECS::TaskDefinition");
  if (ids.size() != 1) throw std::runtime_error(stack.source() + " makes not exactly one task definition");
  return stack.properties(ids[0]);
}

TEST(DeployRecipes, EcsWorkerStopsWithinFargatesLimitAfterItsDrain) {
  const YAML::Node task = ecs_task_definition();
  const Pod pod = ecs_task();
  ASSERT_TRUE(pod.find("serve"));
  ASSERT_EQ(task["ContainerDefinitions"].size(), 1u) << "one container, the worker polling its queue itself";
  const YAML::Node c = task["ContainerDefinitions"][0];
  const std::string name = c["Name"].as<std::string>();
  ASSERT_TRUE(c["StopTimeout"]) << name << ": ECS's default is 30 s";
  const long stop = c["StopTimeout"].as<long>();
  EXPECT_LE(stop, kMaxFargateStopTimeout) << name;
  ASSERT_TRUE(c["HealthCheck"]) << name;
  const long shutdown = pod.find("serve")->env_number("EBWORKER_SHUTDOWN_TIMEOUT").value_or(kDefaultShutdownTimeout);
  EXPECT_GT(stop, shutdown + kDaemonDrainSeconds)
      << "the worker's StopTimeout must exceed EBWORKER_SHUTDOWN_TIMEOUT plus the poller's drain";
  EXPECT_EQ(task["NetworkMode"].as<std::string>(), "awsvpc");
}

// The worker keeps EBWORKER_MAX_CONNECTIONS (1000 by default) a quarter below its open-files
// limit (src/http/connection_cap.h): the task's nofile leaves the default cap whole.
TEST(DeployRecipes, EcsContainersHaveAnOpenFilesLimitAboveTheConnectionCap) {
  constexpr long kDefaultMaxConnections = 1000;
  for (const auto& c : ecs_task_definition()["ContainerDefinitions"]) {
    const std::string name = c["Name"].as<std::string>();
    ASSERT_TRUE(c["Ulimits"]) << name << " sets no nofile limit";
    bool nofile = false;
    for (const auto& u : c["Ulimits"]) {
      if (u["Name"].as<std::string>() != "nofile") continue;
      nofile = true;
      const long soft = u["SoftLimit"].as<long>();
      EXPECT_LE(soft, u["HardLimit"].as<long>()) << name;
      EXPECT_GE(soft - std::max(64L, soft / 4), kDefaultMaxConnections) << name;
    }
    EXPECT_TRUE(nofile) << name << " sets no nofile limit";
  }
}

TEST(DeployRecipes, EcsScalesOnBacklogPerTask) {
  const CloudFormationTemplate stack = ecs_stack();
  const auto targets = stack.resources_of_type("AWS::ApplicationAutoScaling::ScalableTarget");
  const auto policies = stack.resources_of_type("AWS::ApplicationAutoScaling::ScalingPolicy");
  const auto services = stack.resources_of_type("AWS::ECS::Service");
  ASSERT_EQ(targets.size(), 1u);
  ASSERT_EQ(policies.size(), 1u);
  ASSERT_EQ(services.size(), 1u);
  const YAML::Node target = stack.properties(targets[0]);
  const YAML::Node policy = stack.properties(policies[0]);
  const YAML::Node service = stack.properties(services[0]);
  const Pod pod = ecs_task();
  ASSERT_TRUE(pod.find("serve"));
  const std::string queue = queue_name(pod.find("serve")->env.at("EBWORKER_SQSD_QUEUE_URL"));

  EXPECT_EQ(target["ServiceNamespace"].as<std::string>(), "ecs");
  EXPECT_EQ(target["ScalableDimension"].as<std::string>(), "ecs:service:DesiredCount");
  EXPECT_EQ(policy["ScalingTargetId"].as<std::string>(), targets[0]);
  // The target is the stack's service in the stack's cluster.
  const std::string resource = target["ResourceId"].as<std::string>();
  EXPECT_EQ(resource, "service/" + service["Cluster"].as<std::string>() + "/" + service["ServiceName"].as<std::string>());
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(resource, parts, std::regex("service/([^/]+)/([^/]+)"))) << resource;
  EXPECT_GE(target["MinCapacity"].as<long>(), 1) << "backlog per task divides by the running tasks";
  EXPECT_GE(target["MaxCapacity"].as<long>(), target["MinCapacity"].as<long>());
  EXPECT_EQ(service["DesiredCount"].as<long>(), target["MinCapacity"].as<long>());

  EXPECT_EQ(policy["PolicyType"].as<std::string>(), "TargetTrackingScaling");
  const auto config = policy["TargetTrackingScalingPolicyConfiguration"];
  EXPECT_GT(config["TargetValue"].as<double>(), 0);
  std::map<std::string, std::string> metric_of_id;  // id → namespace/name
  std::string expression;
  int returned = 0;
  for (const auto& m : config["CustomizedMetricSpecification"]["Metrics"]) {
    const std::string id = m["Id"].as<std::string>();
    if (m["ReturnData"] && m["ReturnData"].as<bool>()) ++returned;
    if (m["Expression"]) {
      expression = m["Expression"].as<std::string>();
      EXPECT_TRUE(m["ReturnData"].as<bool>());
      continue;
    }
    const auto metric = m["MetricStat"]["Metric"];
    const std::string name = metric["Namespace"].as<std::string>() + "/" + metric["MetricName"].as<std::string>();
    metric_of_id[id] = name;
    std::map<std::string, std::string> dims;
    for (const auto& d : metric["Dimensions"]) dims[d["Name"].as<std::string>()] = d["Value"].as<std::string>();
    if (name == "AWS/SQS/ApproximateNumberOfMessagesVisible") {
      EXPECT_EQ(dims["QueueName"], queue) << "the queue the task's worker polls";
    } else if (name == "ECS/ContainerInsights/RunningTaskCount") {
      EXPECT_EQ(dims["ClusterName"], parts[1].str());
      EXPECT_EQ(dims["ServiceName"], parts[2].str());
    } else {
      ADD_FAILURE() << "unexpected metric " << name;
    }
  }
  EXPECT_EQ(returned, 1) << "exactly one time series: the expression";
  std::string visible, tasks;
  for (const auto& [id, name] : metric_of_id) {
    if (name == "AWS/SQS/ApproximateNumberOfMessagesVisible") visible = id;
    if (name == "ECS/ContainerInsights/RunningTaskCount") tasks = id;
  }
  ASSERT_FALSE(visible.empty() || tasks.empty());
  EXPECT_TRUE(std::regex_match(expression, std::regex("\\(?" + visible + "\\)?\\s*/\\s*\\(?" + tasks + "\\)?")))
      << expression;
  // RunningTaskCount comes from Container Insights.
  bool insights = false;
  for (const auto& setting : stack.properties(stack.resources_of_type("AWS::ECS::Cluster").at(0))["ClusterSettings"])
    insights |= setting["Name"].as<std::string>() == "containerInsights" && setting["Value"].as<std::string>() == "enabled";
  EXPECT_TRUE(insights) << "the cluster must have Container Insights on for RunningTaskCount";
}

// ---- IAM ------------------------------------------------------------------------------------

// Actions that take no resource-level permission: "*" is their only possible Resource.
const std::set<std::string> kResourceless = {"cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"};

std::vector<std::string> strings_of(const YAML::Node& v) {
  std::vector<std::string> out;
  if (v && v.IsScalar()) out.push_back(v.as<std::string>());
  if (v && v.IsSequence())
    for (const auto& item : v) out.push_back(item.IsScalar() ? item.as<std::string>() : "(not a string)");
  return out;
}

struct PolicyDocument {
  std::string where;  // "base.yaml WorkerPolicy"
  YAML::Node doc;
  bool trust;         // a role's AssumeRolePolicyDocument
};

// Every policy document the stacks make: managed policies, roles' inline policies and their
// trust policies, and the policies attached to a role (even one made only when asked for,
// ecs.yaml's TaskProtection), resolved.
std::vector<PolicyDocument> policy_documents() {
  std::vector<PolicyDocument> out;
  for (const auto& stack : {base_stack(), ecs_stack(), beanstalk_stack(), eks_stack()}) {
    for (const auto& id : stack.resources_of_type("AWS::IAM::ManagedPolicy"))
      out.push_back({stack.source() + " " + id, stack.properties(id)["PolicyDocument"], false});
    for (const auto& id : stack.resources_of_type("AWS::IAM::Policy", true))
      out.push_back({stack.source() + " " + id, stack.properties(id)["PolicyDocument"], false});
    for (const auto& id : stack.resources_of_type("AWS::IAM::Role")) {
      const YAML::Node role = stack.properties(id);
      out.push_back({stack.source() + " " + id + " (trust)", role["AssumeRolePolicyDocument"], true});
      for (const auto& inline_policy : role["Policies"])
        out.push_back({stack.source() + " " + id + " " + inline_policy["PolicyName"].as<std::string>(),
                       inline_policy["PolicyDocument"], false});
    }
  }
  return out;
}

TEST(DeployRecipes, IamPoliciesAreWellFormed) {
  const auto documents = policy_documents();
  ASSERT_GE(documents.size(), 10u);
  const std::regex action(R"([a-z0-9-]+:[A-Za-z0-9*]+)");
  for (const auto& [where, doc, trust] : documents) {
    ASSERT_TRUE(doc.IsMap() && doc["Version"] && doc["Statement"]) << where;
    EXPECT_EQ(doc["Version"].as<std::string>(), "2012-10-17") << where;
    ASSERT_TRUE(doc["Statement"].IsSequence() && doc["Statement"].size() > 0) << where;
    for (const auto& st : doc["Statement"]) {
      const std::string effect = st["Effect"].as<std::string>();
      EXPECT_TRUE(effect == "Allow" || effect == "Deny") << where;
      if (st["Sid"]) {
        EXPECT_TRUE(std::regex_match(st["Sid"].as<std::string>(), std::regex("[A-Za-z0-9]+"))) << where;
      }
      const auto actions = strings_of(st["Action"]);
      ASSERT_FALSE(actions.empty()) << where;
      for (const auto& a : actions) EXPECT_TRUE(std::regex_match(a, action)) << where << ": " << a;
      if (trust) {
        EXPECT_TRUE(st["Principal"]) << where;
        EXPECT_FALSE(st["Resource"]) << where << ": a trust policy names no resource";
        continue;
      }
      EXPECT_FALSE(st["Principal"]) << where;
      ASSERT_TRUE(st["Resource"]) << where;
      for (const auto& r : strings_of(st["Resource"])) {
        if (r == "*") {
          for (const auto& a : actions) EXPECT_TRUE(kResourceless.count(a)) << where << ": " << a << " on *";
          continue;
        }
        std::smatch arn;
        ASSERT_TRUE(std::regex_match(r, arn, std::regex(R"(arn:aws:([a-z0-9-]+):([a-zA-Z0-9*-]*):([A-Z0-9*]*):(.+))")))
            << where << ": " << r << " is not an ARN";
        for (const auto& a : actions)
          EXPECT_EQ(a.substr(0, a.find(':')), arn[1].str()) << where << ": " << a << " on " << r;
      }
    }
  }
}

using Grants = std::map<std::string, std::set<std::string>>;  // action → resources

// Over every Allow statement of one of base.yaml's managed policies.
Grants grants(const std::string& policy) {
  Grants out;
  for (const auto& st : base_stack().properties(policy)["PolicyDocument"]["Statement"]) {
    if (st["Effect"].as<std::string>() != "Allow") continue;
    for (const auto& a : strings_of(st["Action"]))
      for (const auto& r : strings_of(st["Resource"])) out[a].insert(r);
  }
  return out;
}

TEST(DeployRecipes, IamGrantsWhatTheRecipesUseAndNoMore) {
  const CloudFormationTemplate base = base_stack();
  const std::string queue_arn = "arn:aws:sqs:REGION:ACCOUNT:ebworker-jobs";
  const std::string dead_letter_arn = "arn:aws:sqs:REGION:ACCOUNT:ebworker-jobs-dlq";
  const std::string table_arn = "arn:aws:dynamodb:REGION:ACCOUNT:table/ebworker-leader";
  for (const Pod& pod : {kubernetes_pod(), ecs_task()}) {
    ASSERT_TRUE(pod.find("serve"));
    EXPECT_EQ(pod.find("serve")->env.at("EBWORKER_SQSD_QUEUE_URL"), base.resolve(YAML::Load("!Ref Queue")).as<std::string>())
        << pod.source << ": the base stack's queue";
    const auto leader = pod.find("serve")->flag_value("--leader");
    ASSERT_TRUE(leader);
    EXPECT_EQ(*leader, "dynamodb:ebworker-leader") << pod.source << ": the table the policy names";
    const auto flags = pod.find("serve")->flags();
    EXPECT_EQ(std::count(flags.begin(), flags.end(), "--create-leader-table"), 0)
        << "the worker policy has no CreateTable: the base stack makes the table";
    // The worker's optional queue and table are the ones the worker policy covers.
    const auto& env = pod.find("serve")->env;
    if (env.count("EBWORKER_DEAD_LETTER_QUEUE_URL")) {
      EXPECT_EQ(env.at("EBWORKER_DEAD_LETTER_QUEUE_URL"), "https://sqs.REGION.amazonaws.com/ACCOUNT/ebworker-jobs-dlq")
          << pod.source;
    }
    if (env.count("EBWORKER_LOCK_TABLE")) {
      EXPECT_EQ(env.at("EBWORKER_LOCK_TABLE"), "ebworker-leader") << pod.source;
    }
  }

  const Grants worker = grants("WorkerPolicy");
  for (const char* a : {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"})
    EXPECT_EQ(worker.count(a) ? worker.at(a) : std::set<std::string>{}, std::set<std::string>{queue_arn}) << a;
  EXPECT_EQ(worker.count("sqs:SendMessage") ? worker.at("sqs:SendMessage") : std::set<std::string>{},
            (std::set<std::string>{queue_arn, dead_letter_arn}))
      << "the queue (cron tasks, retries, hops) and the dead-letter queue (EBWORKER_DEAD_LETTER_QUEUE_URL)";
  for (const char* a : {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:DescribeTable"})
    EXPECT_EQ(worker.count(a) ? worker.at(a) : std::set<std::string>{}, std::set<std::string>{table_arn}) << a;
  EXPECT_EQ(worker.size(), 10u) << "nothing beyond the queues and the lease table";

  EXPECT_EQ(grants("EnqueuePolicy"), (Grants{{"sqs:SendMessage", {queue_arn}}}));
  EXPECT_EQ(grants("QueueDepthPolicy"), (Grants{{"sqs:GetQueueAttributes", {queue_arn}}}));
  EXPECT_EQ(grants("DeadLetterOperatorPolicy"),
            (Grants{{"sqs:ReceiveMessage", {dead_letter_arn}}, {"sqs:DeleteMessage", {dead_letter_arn}},
                    {"sqs:ChangeMessageVisibility", {dead_letter_arn}}, {"sqs:GetQueueAttributes", {dead_letter_arn}},
                    {"sqs:SendMessage", {queue_arn}}}))
      << "ebworker dlq: read and delete dead letters, requeue them";
  const Grants secret = grants("SecretReadPolicy");
  ASSERT_EQ(secret.size(), 1u);
  for (const auto& r : secret.at("secretsmanager:GetSecretValue"))
    EXPECT_TRUE(std::regex_match(r, std::regex(R"(arn:aws:secretsmanager:REGION:ACCOUNT:secret:ebworker/SECRET_KEY_BASE(_PREVIOUS)?-\?{6})")))
        << r << ": the secret by name, whatever six characters Secrets Manager appends";

  // The ScaledObject reads the queue the queue-depth policy covers.
  const YAML::Node scaled = kubernetes_object("ScaledObject");
  ASSERT_TRUE(scaled.IsMap());
  EXPECT_EQ(queue_name(scaled["spec"]["triggers"][0]["metadata"]["queueURL"].as<std::string>()),
            queue_arn.substr(queue_arn.rfind(':') + 1));
}

// One role per principal, trusting only it, holding only the base stack's policies it needs.
TEST(DeployRecipes, IamOneRolePerPrincipal) {
  const CloudFormationTemplate base = base_stack();
  std::map<std::string, std::string> base_policy;  // its ARN → its logical id
  for (const auto& id : base.resources_of_type("AWS::IAM::ManagedPolicy"))
    base_policy[base.resolve(YAML::Load("!Ref " + id)).as<std::string>()] = id;
  struct Expected {
    CloudFormationTemplate stack;
    std::string role, principal;
    std::set<std::string> policies;  // base.yaml's, by logical id
  };
  const std::vector<Expected> roles = {
      {ecs_stack(), "TaskRole", "ecs-tasks.amazonaws.com", {"WorkerPolicy"}},
      {ecs_stack(), "ExecutionRole", "ecs-tasks.amazonaws.com", {"SecretReadPolicy"}},
      {eks_stack(), "WorkerRole", "pods.eks.amazonaws.com", {"WorkerPolicy"}},
      {eks_stack(), "KedaRole", "pods.eks.amazonaws.com", {"QueueDepthPolicy"}},
      {beanstalk_stack(), "WorkerInstanceRole", "ec2.amazonaws.com", {"WorkerPolicy", "SecretReadPolicy"}},
      {beanstalk_stack(), "WebInstanceRole", "ec2.amazonaws.com", {"EnqueuePolicy", "SecretReadPolicy"}},
  };
  for (const auto& [stack, id, principal, policies] : roles) {
    const YAML::Node role = stack.properties(id);
    const std::string where = stack.source() + " " + id;
    std::set<std::string> trusted;
    for (const auto& st : role["AssumeRolePolicyDocument"]["Statement"])
      for (const auto& p : strings_of(st["Principal"]["Service"])) trusted.insert(p);
    EXPECT_EQ(trusted, std::set<std::string>{principal}) << where;
    std::set<std::string> held;
    for (const auto& arn : strings_of(role["ManagedPolicyArns"])) {
      if (arn.rfind("arn:aws:iam::aws:policy/", 0) == 0) continue;  // AWS's own
      ASSERT_TRUE(base_policy.count(arn)) << where << " attaches " << arn << ", which base.yaml does not make";
      held.insert(base_policy.at(arn));
    }
    EXPECT_EQ(held, policies) << where;
  }
  // Every role of a route stack is one of those above (Beanstalk's service role aside).
  std::size_t count = 0;
  for (const auto& stack : {ecs_stack(), eks_stack(), beanstalk_stack()}) count += stack.resources_of_type("AWS::IAM::Role").size();
  EXPECT_EQ(count, roles.size() + 1) << "a role was added: say above what it may do";
}

// ---- Elastic Beanstalk ----------------------------------------------------------------------

// The aws:autoscaling:trigger options and MeasureName's values (Beanstalk's general options).
const std::set<std::string> kTriggerOptions = {"BreachDuration", "LowerBreachScaleIncrement", "LowerThreshold",
                                               "MeasureName", "Period", "EvaluationPeriods", "Statistic",
                                               "Unit", "UpperBreachScaleIncrement", "UpperThreshold"};
const std::set<std::string> kMeasureNames = {"CPUUtilization", "NetworkIn", "NetworkOut", "DiskWriteOps",
                                             "DiskReadBytes", "DiskReadOps", "DiskWriteBytes", "Latency",
                                             "RequestCount", "HealthyHostCount", "UnhealthyHostCount",
                                             "TargetResponseTime"};

// Every map under `node` with a key `key`, depth first.
void find_maps_with(const YAML::Node& node, const std::string& key, std::vector<YAML::Node>& out) {
  if (node.IsMap()) {
    if (node[key]) out.push_back(node);
    for (const auto& kv : node) find_maps_with(kv.second, key, out);
  } else if (node.IsSequence()) {
    for (const auto& item : node) find_maps_with(item, key, out);
  }
}

TEST(DeployRecipes, BeanstalkQueueDepthScalingIsConsistent) {
  const fs::path file = kRoot / "deploy/elasticbeanstalk/autoscaling-queue-depth.config";
  const YAML::Node doc = YAML::LoadFile(file.string());
  const auto settings = doc["option_settings"];
  ASSERT_TRUE(settings.IsMap());
  // Copied into .ebextensions it must not change the kit's daemon or environment settings.
  EXPECT_FALSE(settings["aws:elasticbeanstalk:sqsd"]);
  EXPECT_FALSE(settings["aws:elasticbeanstalk:application:environment"]);

  const auto trigger = settings["aws:autoscaling:trigger"];
  ASSERT_TRUE(trigger.IsMap());
  for (const auto& kv : trigger) EXPECT_TRUE(kTriggerOptions.count(kv.first.as<std::string>())) << kv.first.as<std::string>();
  EXPECT_TRUE(kMeasureNames.count(trigger["MeasureName"].as<std::string>()))
      << "MeasureName must be one of Beanstalk's; SQS metrics are not among them";
  EXPECT_EQ(trigger["BreachDuration"].as<long>(), trigger["Period"].as<long>() * trigger["EvaluationPeriods"].as<long>())
      << "Beanstalk rewrites inconsistent values";
  EXPECT_EQ(trigger["LowerThreshold"].as<long>(), 0) << "Beanstalk's own alarm must never scale in";
  const auto asg = settings["aws:autoscaling:asg"];
  EXPECT_GT(asg["MaxSize"].as<long>(), asg["MinSize"].as<long>());

  // Fn::GetOptionSetting reads only custom options this file defines; Ref names its own
  // resources or the environment's Auto Scaling group.
  const auto custom = settings["aws:elasticbeanstalk:customoption"];
  const auto resources = doc["Resources"];
  ASSERT_TRUE(custom.IsMap() && resources.IsMap());
  std::vector<YAML::Node> lookups, refs;
  find_maps_with(resources, "Fn::GetOptionSetting", lookups);
  find_maps_with(resources, "Ref", refs);
  EXPECT_FALSE(lookups.empty());
  for (const auto& l : lookups) {
    const auto setting = l["Fn::GetOptionSetting"];
    EXPECT_EQ(setting["Namespace"].as<std::string>(), "aws:elasticbeanstalk:customoption");
    const std::string option = setting["OptionName"].as<std::string>();
    ASSERT_TRUE(custom[option]) << option << " is not defined";
    EXPECT_EQ(setting["DefaultValue"].as<std::string>(), custom[option].as<std::string>()) << option;
  }
  for (const auto& r : refs) {
    const std::string name = r["Ref"].as<std::string>();
    EXPECT_TRUE(name == "AWSEBAutoScalingGroup" || resources[name]) << "Ref to unknown " << name;
  }

  // An alarm on the queue's waiting messages scales out; the one that scales in counts the
  // messages in flight too, so an instance is never taken away while jobs run.
  std::set<std::string> measured;
  std::vector<YAML::Node> metrics;
  find_maps_with(resources, "MetricName", metrics);
  for (const auto& m : metrics) {
    EXPECT_EQ(m["Namespace"].as<std::string>(), "AWS/SQS");
    measured.insert(m["MetricName"].as<std::string>());
    ASSERT_TRUE(m["Dimensions"] && m["Dimensions"].size() == 1u);
    EXPECT_EQ(m["Dimensions"][0]["Name"].as<std::string>(), "QueueName");
  }
  EXPECT_EQ(measured, (std::set<std::string>{"ApproximateNumberOfMessagesVisible", "ApproximateNumberOfMessagesNotVisible"}));
  int scale_out = 0, scale_in = 0;
  for (const auto& kv : resources) {
    if (kv.second["Type"].as<std::string>() != "AWS::AutoScaling::ScalingPolicy") continue;
    const long step = kv.second["Properties"]["ScalingAdjustment"].as<long>();
    (step > 0 ? scale_out : scale_in)++;
    EXPECT_EQ(kv.second["Properties"]["AutoScalingGroupName"]["Ref"].as<std::string>(), "AWSEBAutoScalingGroup");
  }
  EXPECT_EQ(scale_out, 1);
  EXPECT_EQ(scale_in, 1);
}

}  // namespace
}  // namespace ebworker::recipes
