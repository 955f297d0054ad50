#pragma once
// A table of documented settings: each has an environment variable, a flag that overrides it,
// or both. The table drives parsing and --help, and a test checks docs/configuration.md's tables
// against it, so they cannot drift. A bad value is an error naming the variable or flag.

#include <charconv>
#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <ebworker/environment.h>
#include <ebworker/result.h>

namespace ebworker {

template <typename Config>
struct Setting {
  std::string_view env;       // e.g. "PORT"; empty for an option of one call (a flag only)
  std::string_view flag;      // e.g. "--port"; empty when there is no flag
  std::string_view fallback;  // the default, as text
  std::string_view meaning;
  std::function<Status(Config&, std::string_view value)> apply;
  bool is_switch = false;     // the flag alone means "true" (--process-jobs)
};

Result<bool> parse_bool(std::string_view value);

// Whole seconds, or a whole number with a unit: "90", "90s", "15m", "2h", "3d".
Result<std::chrono::seconds> parse_duration(std::string_view value);

// spdlog's level names: trace, debug, info, warn, error, critical, off.
Status check_log_level(std::string_view value);

template <typename N>
Result<N> parse_number(std::string_view value, N min, N max) {
  N n{};
  const auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
  if (ec != std::errc() || end != value.data() + value.size() || n < min || n > max)
    return fail("expected a whole number from " + std::to_string(min) + " to " + std::to_string(max) +
                ", got \"" + std::string(value) + "\"");
  return n;
}

// An `apply` for a number in [min, max], stored by `store(config, n)`.
template <typename Config, typename N, typename Store>
auto number_setting(N min, N max, Store store) {
  return [=](Config& c, std::string_view v) -> Status {
    auto n = parse_number<N>(v, min, max);
    if (!n) return Unexpected{n.error()};
    store(c, *n);
    return {};
  };
}

// An `apply` that stores the value as given in `config.*field`.
template <typename Config>
auto string_setting(std::string Config::*field) {
  return [field](Config& c, std::string_view v) -> Status {
    c.*field = std::string(v);
    return {};
  };
}

// An `apply` that reads a boolean (parse_bool) into `config.*field`.
template <typename Config>
auto bool_setting(bool Config::*field) {
  return [field](Config& c, std::string_view v) -> Status {
    auto b = parse_bool(v);
    if (!b) return Unexpected{b.error()};
    c.*field = *b;
    return {};
  };
}

// An `apply` for a value that must not be empty ("must name `what`"), stored in `config.*field`.
template <typename Config>
auto named_setting(std::string Config::*field, std::string_view what) {
  return [field, what](Config& c, std::string_view v) -> Status {
    if (v.empty()) return fail("must name " + std::string(what));
    c.*field = std::string(v);
    return {};
  };
}

// Defaults, then the environment, then flags ("--port 8080" or "--port=8080").
template <typename Config>
Result<Config> load_settings(const std::vector<Setting<Config>>& settings, const Environment& env,
                             const std::vector<std::string>& args, Config config = {}) {
  for (const auto& s : settings) {
    if (s.env.empty()) continue;
    const auto it = env.find(s.env);
    if (it == env.end()) continue;
    if (auto st = s.apply(config, it->second); !st) return fail(std::string(s.env) + ": " + st.error().message);
  }
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    const auto eq = arg.find('=');
    const std::string_view name = arg.substr(0, eq);
    const Setting<Config>* setting = nullptr;
    for (const auto& s : settings)
      if (!s.flag.empty() && s.flag == name) setting = &s;
    if (!setting) return fail("unknown option " + std::string(name) + " (see --help)");
    std::string_view value;
    if (eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
    } else if (setting->is_switch) {
      value = "true";
    } else {
      if (i + 1 >= args.size()) return fail(std::string(name) + " needs a value");
      value = args[++i];
    }
    if (auto st = setting->apply(config, value); !st) return fail(std::string(name) + ": " + st.error().message);
  }
  return config;
}

// A command's words split into its positional arguments and its options (each flag with its
// value), so that load_settings sees only the options. Words after "--" are all positional.
struct Arguments {
  std::vector<std::string> positional;
  std::vector<std::string> options;
};

template <typename Config>
Arguments split_arguments(const std::vector<Setting<Config>>& settings, const std::vector<std::string>& args) {
  Arguments out;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--") {
      out.positional.insert(out.positional.end(), args.begin() + static_cast<std::ptrdiff_t>(i) + 1, args.end());
      break;
    }
    if (arg.rfind("--", 0) != 0) {
      out.positional.push_back(arg);
      continue;
    }
    out.options.push_back(arg);
    if (arg.find('=') != std::string::npos) continue;
    for (const auto& s : settings)
      if (s.flag == arg && !s.is_switch && i + 1 < args.size()) out.options.push_back(args[++i]);
  }
  return out;
}

template <typename Config>
std::string settings_help(const std::vector<Setting<Config>>& settings) {
  std::string out = "Options (and the environment variable of each, in brackets):\n";
  for (const auto& s : settings) {
    const std::string name = s.flag.empty() ? std::string(s.env)
                             : s.env.empty() ? std::string(s.flag)
                                             : std::string(s.flag) + "  [" + std::string(s.env) + "]";
    out += "  " + name + "\n      " + std::string(s.meaning) + " (default " + std::string(s.fallback) + ")\n";
  }
  return out;
}

}  // namespace ebworker
