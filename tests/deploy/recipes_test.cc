// The scale-out recipes under deploy/ are consistent with ebworker and with each other: every file
// parses; every setting and flag they use is one docs/configuration.md documents (read at run
// time, and tied to the code's settings tables by unit.ConfigurationDocs.*); the pods' and tasks'
// timeouts, sizes and wiring agree; the autoscalers point at the workload and queue the recipes
// run; the IAM policies are well formed and grant what the recipes use.

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>

#include "recipes.h"

namespace ebworker::recipes {
namespace {

// What `ebworker sqsd` may still need after SIGTERM once the worker's shutdown timeout is over:
// polling stops within 1 s, then unposted messages are handed back and pending deletes flushed,
// SQS calls bounded by the client's default retry budget (EBWORKER_SQS_RETRY_BUDGET, 20 s).
constexpr long kDaemonDrainSeconds = 1 + 20;
// ECS on Fargate accepts a stopTimeout of at most 120 s.
constexpr long kMaxFargateStopTimeout = 120;
// The worker's default EBWORKER_SHUTDOWN_TIMEOUT (docs/configuration.md).
constexpr long kDefaultShutdownTimeout = 30;

std::vector<fs::path> recipe_files() {
  std::vector<fs::path> files;
  for (const auto& [dir, suffix] : std::vector<std::pair<std::string, std::string>>{
           {"deploy/kubernetes", ".yaml"}, {"deploy/ecs", ".json"}, {"deploy/iam", ".json"},
           {"deploy/elasticbeanstalk", ".config"}})
    for (auto& f : files_in(kRoot / dir, suffix)) files.push_back(f);
  return files;
}

TEST(DeployRecipes, EveryFileParses) {
  const auto files = recipe_files();
  ASSERT_GE(files.size(), 10u) << "the Kubernetes, ECS, Beanstalk and IAM recipes";
  for (const auto& file : files) {
    if (file.extension() == ".json") {
      EXPECT_NO_THROW(load_json(file)) << file;
    } else {
      std::vector<YAML::Node> docs;
      EXPECT_NO_THROW(docs = load_yaml_documents(file)) << file;
      EXPECT_FALSE(docs.empty()) << file;
      EXPECT_NE(read_file(file).find('#'), std::string::npos) << file << " has no comment";
    }
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
    ASSERT_TRUE(pod.find("sqsd")) << pod.source << " has no `ebworker sqsd` container";
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

// What both the pod and the task must get right.
void expect_wired(const Pod& pod) {
  const Container* worker = pod.find("serve");
  const Container* daemon = pod.find("sqsd");
  ASSERT_TRUE(worker && daemon) << pod.source;
  // Loopback only, no trusted source besides it: the image's Beanstalk defaults are overridden.
  EXPECT_EQ(worker->env.at("EBWORKER_BIND"), "127.0.0.1") << worker->source;
  ASSERT_TRUE(worker->env.count("EBWORKER_TRUSTED_SOURCES")) << worker->source << ": the image sets gateway";
  EXPECT_EQ(worker->env.at("EBWORKER_TRUSTED_SOURCES"), "") << worker->source;
  EXPECT_EQ(worker->env.at("EBWORKER_PROCESS_JOBS"), "true") << worker->source;
  // The secret from a secret store, never a literal.
  EXPECT_TRUE(worker->secret_env.count("SECRET_KEY_BASE")) << worker->source;
  EXPECT_FALSE(worker->env.count("SECRET_KEY_BASE")) << worker->source;
  EXPECT_TRUE(daemon->env.count("SECRET_KEY_BASE") == 0 && daemon->secret_env.count("SECRET_KEY_BASE") == 0)
      << daemon->source << ": the daemon signs nothing and needs no secret";
  // Sizes and timeouts agree (docs/deployment.md, "What every setup needs").
  EXPECT_EQ(daemon->env_number("EBWORKER_SQSD_HTTP_CONNECTIONS"), worker->env_number("EBWORKER_JOB_THREADS"))
      << pod.source;
  EXPECT_LT(daemon->env_number("EBWORKER_SQSD_INACTIVITY_TIMEOUT").value_or(299),
            daemon->env_number("EBWORKER_SQSD_VISIBILITY_TIMEOUT").value_or(300))
      << pod.source;
  EXPECT_EQ(daemon->env.at("EBWORKER_SQSD_WORKER_URL"), "http://127.0.0.1:" + worker->env.at("PORT")) << pod.source;
  // The worker's retries and hops go to the queue the daemon reads.
  EXPECT_EQ(worker->env.at("EBWORKER_QUEUE_URL"), daemon->env.at("EBWORKER_SQSD_QUEUE_URL")) << pod.source;
  // Many pods on one queue elect their cron leader.
  const auto leader = daemon->flag_value("--leader");
  ASSERT_TRUE(leader) << daemon->source << ": no --leader";
  EXPECT_TRUE(std::regex_match(*leader, std::regex("dynamodb:[A-Za-z0-9_.-]{3,255}"))) << *leader;
  // The daemon's health port serves the probes on loopback only.
  EXPECT_EQ(daemon->env.at("EBWORKER_SQSD_HEALTH_BIND"), "127.0.0.1") << daemon->source;
  EXPECT_GT(daemon->env_number("EBWORKER_SQSD_HEALTH_PORT").value_or(0), 0) << daemon->source;
  // Health probes run inside the container, against loopback, on the configured path and port.
  for (const Container* c : {worker, daemon}) {
    ASSERT_FALSE(c->probes.empty()) << c->source << " has no health probe";
    for (const auto& probe : c->probes) {
      ASSERT_GE(probe.size(), 3u) << c->source;
      const std::string& script = probe.back();
      EXPECT_NE(script.find("/dev/tcp/127.0.0.1/"), std::string::npos) << c->source << ": " << script;
    }
  }
  for (const auto& probe : worker->probes) {
    EXPECT_NE(probe.back().find("/dev/tcp/127.0.0.1/$PORT"), std::string::npos) << probe.back();
    EXPECT_NE(probe.back().find("\"$EBWORKER_HEALTH_PATH\""), std::string::npos) << probe.back();
  }
  ASSERT_TRUE(worker->env.count("EBWORKER_HEALTH_PATH")) << worker->source << ": the probes read it";
  EXPECT_FALSE(worker->env.at("EBWORKER_HEALTH_PATH").empty()) << "an empty path turns the endpoint off";
  for (const auto& probe : daemon->probes)
    EXPECT_NE(probe.back().find("/dev/tcp/127.0.0.1/$EBWORKER_SQSD_HEALTH_PORT"), std::string::npos) << probe.back();
}

TEST(DeployRecipes, KubernetesPodIsWired) { expect_wired(kubernetes_pod()); }
TEST(DeployRecipes, EcsTaskIsWired) { expect_wired(ecs_task()); }

TEST(DeployRecipes, KubernetesGraceCoversTheShutdownTimeoutAndTheDaemonsDrain) {
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
  ASSERT_TRUE(pod.find("sqsd"));
  const auto triggers = scaled["spec"]["triggers"];
  ASSERT_TRUE(triggers && triggers.size() == 1u);
  const auto trigger = triggers[0];
  EXPECT_EQ(trigger["type"].as<std::string>(), "aws-sqs-queue");
  EXPECT_EQ(trigger["metadata"]["queueURL"].as<std::string>(), pod.find("sqsd")->env.at("EBWORKER_SQSD_QUEUE_URL"));
  EXPECT_EQ(trigger["metadata"]["awsRegion"].as<std::string>(), pod.find("sqsd")->env.at("AWS_REGION"));
  const long length = std::stol(trigger["metadata"]["queueLength"].as<std::string>());
  EXPECT_GE(length, 1);
  // The TriggerAuthentication it names exists and uses the pod identity provider.
  const YAML::Node auth = kubernetes_object("TriggerAuthentication");
  ASSERT_TRUE(auth.IsMap());
  EXPECT_EQ(trigger["authenticationRef"]["name"].as<std::string>(), auth["metadata"]["name"].as<std::string>());
  EXPECT_EQ(auth["spec"]["podIdentity"]["provider"].as<std::string>(), "aws");
}

TEST(DeployRecipes, EcsContainersStartAndStopInOrder) {
  const auto doc = load_json(kRoot / "deploy/ecs/task-definition.json");
  const Pod pod = ecs_task();
  ASSERT_TRUE(pod.find("serve") && pod.find("sqsd"));
  long shutdown = kDefaultShutdownTimeout;
  for (const auto& c : doc["containerDefinitions"].GetArray()) {
    const std::string name = c["name"].GetString();
    ASSERT_TRUE(c.HasMember("stopTimeout")) << name << ": ECS's default is 30 s";
    const long stop = c["stopTimeout"].GetInt();
    EXPECT_LE(stop, kMaxFargateStopTimeout) << name;
    ASSERT_TRUE(c.HasMember("healthCheck")) << name;
    if (name == pod.find("serve")->name) {
      shutdown = pod.find("serve")->env_number("EBWORKER_SHUTDOWN_TIMEOUT").value_or(kDefaultShutdownTimeout);
      EXPECT_GT(stop, shutdown) << "the worker's stopTimeout must exceed EBWORKER_SHUTDOWN_TIMEOUT";
    }
    if (name == pod.find("sqsd")->name) {
      // Starts once the worker is healthy; stops first (ECS reverses dependencies at stop).
      ASSERT_TRUE(c.HasMember("dependsOn")) << name;
      ASSERT_EQ(c["dependsOn"].Size(), 1u);
      EXPECT_EQ(std::string(c["dependsOn"][0]["containerName"].GetString()), pod.find("serve")->name);
      EXPECT_EQ(std::string(c["dependsOn"][0]["condition"].GetString()), "HEALTHY");
      EXPECT_GT(stop, kDaemonDrainSeconds);
    }
  }
  EXPECT_EQ(std::string(doc["networkMode"].GetString()), "awsvpc") << "one network namespace: loopback between the two";
}

// The worker keeps EBWORKER_MAX_CONNECTIONS (1000 by default) a quarter below its open-files
// limit (src/http/connection_cap.h): the task's nofile leaves the default cap whole.
TEST(DeployRecipes, EcsContainersHaveAnOpenFilesLimitAboveTheConnectionCap) {
  constexpr long kDefaultMaxConnections = 1000;
  const auto doc = load_json(kRoot / "deploy/ecs/task-definition.json");
  for (const auto& c : doc["containerDefinitions"].GetArray()) {
    const std::string name = c["name"].GetString();
    ASSERT_TRUE(c.HasMember("ulimits")) << name << " sets no nofile limit";
    bool nofile = false;
    for (const auto& u : c["ulimits"].GetArray()) {
      if (std::string(u["name"].GetString()) != "nofile") continue;
      nofile = true;
      const long soft = u["softLimit"].GetInt64();
      EXPECT_LE(soft, u["hardLimit"].GetInt64()) << name;
      EXPECT_GE(soft - std::max(64L, soft / 4), kDefaultMaxConnections) << name;
    }
    EXPECT_TRUE(nofile) << name << " sets no nofile limit";
  }
}

TEST(DeployRecipes, EcsScalesOnBacklogPerTask) {
  const auto policy = load_json(kRoot / "deploy/ecs/scaling-policy.json");
  const auto target = load_json(kRoot / "deploy/ecs/scalable-target.json");
  const Pod pod = ecs_task();
  ASSERT_TRUE(pod.find("sqsd"));
  const std::string queue = queue_name(pod.find("sqsd")->env.at("EBWORKER_SQSD_QUEUE_URL"));

  for (const auto* doc : {&policy, &target}) {
    EXPECT_EQ(std::string((*doc)["ServiceNamespace"].GetString()), "ecs");
    EXPECT_EQ(std::string((*doc)["ScalableDimension"].GetString()), "ecs:service:DesiredCount");
  }
  const std::string resource = policy["ResourceId"].GetString();
  EXPECT_EQ(resource, target["ResourceId"].GetString());
  std::smatch parts;
  ASSERT_TRUE(std::regex_match(resource, parts, std::regex("service/([^/]+)/([^/]+)"))) << resource;
  EXPECT_GE(target["MinCapacity"].GetInt(), 1) << "backlog per task divides by the running tasks";
  EXPECT_GE(target["MaxCapacity"].GetInt(), target["MinCapacity"].GetInt());

  EXPECT_EQ(std::string(policy["PolicyType"].GetString()), "TargetTrackingScaling");
  const auto& config = policy["TargetTrackingScalingPolicyConfiguration"];
  EXPECT_GT(config["TargetValue"].GetDouble(), 0);
  std::map<std::string, std::string> metric_of_id;  // id → namespace/name
  std::string expression;
  int returned = 0;
  for (const auto& m : config["CustomizedMetricSpecification"]["Metrics"].GetArray()) {
    const std::string id = m["Id"].GetString();
    if (m.HasMember("ReturnData") && m["ReturnData"].GetBool()) ++returned;
    if (m.HasMember("Expression")) {
      expression = m["Expression"].GetString();
      EXPECT_TRUE(m["ReturnData"].GetBool());
      continue;
    }
    const auto& metric = m["MetricStat"]["Metric"];
    const std::string name = std::string(metric["Namespace"].GetString()) + "/" + metric["MetricName"].GetString();
    metric_of_id[id] = name;
    std::map<std::string, std::string> dims;
    for (const auto& d : metric["Dimensions"].GetArray()) dims[d["Name"].GetString()] = d["Value"].GetString();
    if (name == "AWS/SQS/ApproximateNumberOfMessagesVisible") {
      EXPECT_EQ(dims["QueueName"], queue) << "the queue the task's daemon reads";
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
}

// ---- IAM ------------------------------------------------------------------------------------

// Actions that take no resource-level permission: "*" is their only possible Resource.
const std::set<std::string> kResourceless = {"cloudwatch:PutMetricData", "ecr:GetAuthorizationToken"};

std::vector<std::string> strings_of(const rapidjson::Value& v) {
  std::vector<std::string> out;
  if (v.IsString()) out.emplace_back(v.GetString());
  if (v.IsArray())
    for (const auto& item : v.GetArray()) out.emplace_back(item.IsString() ? item.GetString() : "(not a string)");
  return out;
}

TEST(DeployRecipes, IamPoliciesAreWellFormed) {
  const auto files = files_in(kRoot / "deploy/iam", ".json");
  ASSERT_GE(files.size(), 5u);
  const std::regex action(R"([a-z0-9-]+:[A-Za-z0-9*]+)");
  for (const auto& file : files) {
    const auto doc = load_json(file);
    const std::string where = file.filename().string();
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("Version") && doc.HasMember("Statement")) << where;
    EXPECT_EQ(std::string(doc["Version"].GetString()), "2012-10-17") << where;
    ASSERT_TRUE(doc["Statement"].IsArray() && !doc["Statement"].Empty()) << where;
    const bool trust = where.rfind("trust-", 0) == 0;
    for (const auto& st : doc["Statement"].GetArray()) {
      const std::string effect = st["Effect"].GetString();
      EXPECT_TRUE(effect == "Allow" || effect == "Deny") << where;
      if (st.HasMember("Sid")) {
        EXPECT_TRUE(std::regex_match(std::string(st["Sid"].GetString()), std::regex("[A-Za-z0-9]+"))) << where;
      }
      const auto actions = strings_of(st["Action"]);
      ASSERT_FALSE(actions.empty()) << where;
      for (const auto& a : actions) EXPECT_TRUE(std::regex_match(a, action)) << where << ": " << a;
      if (trust) {
        EXPECT_TRUE(st.HasMember("Principal")) << where;
        EXPECT_FALSE(st.HasMember("Resource")) << where << ": a trust policy names no resource";
        continue;
      }
      EXPECT_FALSE(st.HasMember("Principal")) << where;
      ASSERT_TRUE(st.HasMember("Resource")) << where;
      for (const auto& r : strings_of(st["Resource"])) {
        if (r == "*") {
          for (const auto& a : actions) EXPECT_TRUE(kResourceless.count(a)) << where << ": " << a << " on *";
          continue;
        }
        std::smatch arn;
        ASSERT_TRUE(std::regex_match(r, arn, std::regex(R"(arn:aws:([a-z0-9-]+):([a-zA-Z0-9*-]*):([A-Z0-9*]*):(.+))")))
            << where << ": " << r << " is not an ARN (REGION and ACCOUNT may stand for the values)";
        for (const auto& a : actions)
          EXPECT_EQ(a.substr(0, a.find(':')), arn[1].str()) << where << ": " << a << " on " << r;
      }
    }
  }
}

// action → resources, over every Allow statement of one policy file.
std::map<std::string, std::set<std::string>> grants(const std::string& file) {
  std::map<std::string, std::set<std::string>> out;
  const auto doc = load_json(kRoot / "deploy/iam" / file);
  for (const auto& st : doc["Statement"].GetArray()) {
    if (std::string(st["Effect"].GetString()) != "Allow") continue;
    for (const auto& a : strings_of(st["Action"]))
      for (const auto& r : strings_of(st["Resource"])) out[a].insert(r);
  }
  return out;
}

TEST(DeployRecipes, IamGrantsWhatTheRecipesUseAndNoMore) {
  const std::string queue_arn = "arn:aws:sqs:REGION:ACCOUNT:ebworker-jobs";
  for (const Pod& pod : {kubernetes_pod(), ecs_task()}) {
    ASSERT_TRUE(pod.find("sqsd"));
    EXPECT_EQ(pod.find("sqsd")->env.at("EBWORKER_SQSD_QUEUE_URL"), "https://sqs.REGION.amazonaws.com/ACCOUNT/ebworker-jobs");
    const auto leader = pod.find("sqsd")->flag_value("--leader");
    ASSERT_TRUE(leader);
    EXPECT_EQ(*leader, "dynamodb:ebworker-leader") << pod.source << ": the table the policy names";
    const auto flags = pod.find("sqsd")->flags();
    EXPECT_EQ(std::count(flags.begin(), flags.end(), "--create-leader-table"), 0)
        << "worker-task-role.json has no CreateTable (leader-table-create.json adds it)";
  }
  const auto worker = grants("worker-task-role.json");
  for (const char* a : {"sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                        "sqs:GetQueueAttributes", "sqs:SendMessage"})
    EXPECT_EQ(worker.count(a) ? *worker.at(a).begin() : "", queue_arn) << a;
  const std::string table_arn = "arn:aws:dynamodb:REGION:ACCOUNT:table/ebworker-leader";
  for (const char* a : {"dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem",
                        "dynamodb:DescribeTable"})
    EXPECT_EQ(worker.count(a) ? *worker.at(a).begin() : "", table_arn) << a;
  EXPECT_EQ(worker.size(), 10u) << "nothing beyond the queue and the lease table";
  EXPECT_FALSE(worker.count("cloudwatch:PutMetricData")) << "only Beanstalk's own agents publish metrics";

  EXPECT_EQ(grants("leader-table-create.json"),
            (std::map<std::string, std::set<std::string>>{{"dynamodb:CreateTable", {table_arn}}}));
  EXPECT_EQ(grants("web-tier.json"), (std::map<std::string, std::set<std::string>>{{"sqs:SendMessage", {queue_arn}}}));
  EXPECT_EQ(grants("keda-operator.json"),
            (std::map<std::string, std::set<std::string>>{{"sqs:GetQueueAttributes", {queue_arn}}}));
  const auto dlq = grants("worker-dead-letter-send.json");
  ASSERT_EQ(dlq.size(), 1u);
  EXPECT_TRUE(dlq.count("sqs:SendMessage"));

  // The ScaledObject reads the queue keda-operator.json covers.
  const YAML::Node scaled = kubernetes_object("ScaledObject");
  ASSERT_TRUE(scaled.IsMap());
  EXPECT_EQ(queue_name(scaled["spec"]["triggers"][0]["metadata"]["queueURL"].as<std::string>()),
            queue_arn.substr(queue_arn.rfind(':') + 1));
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
