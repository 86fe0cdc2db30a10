// platform/sweep_spec.cpp: see sweep_spec.h.
#include "platform/sweep_spec.h"

#include <algorithm>
#include <cstdio>

#include "platform/options.h"
#include "platform/timing_config.h"
#include "platform/yaml_json.h"

namespace rvh {
namespace {

using ordered_json = nlohmann::ordered_json;

const char* const kKnownKeys[] = {"name", "command", "axes", "exclude", "repetitions", "timeout_seconds"};
constexpr size_t kMaxPoints = 1'000'000;  // a spec that expands further is a mistake

nlohmann::json plain(const ordered_json& v) { return nlohmann::json::parse(v.dump()); }

// A value as a command-line word: strings as they are, numbers as JSON.
std::string as_word(const nlohmann::json& v) { return v.is_string() ? v.get<std::string>() : v.dump(); }

// {"from": A, "to": B, "step": S}: A, A+S, ... up to B (whole numbers).
std::vector<nlohmann::json> expand_range(const ordered_json& r, const std::string& where) {
  for (auto it = r.begin(); it != r.end(); ++it)
    if (it.key() != "from" && it.key() != "to" && it.key() != "step")
      throw SweepSpecError(where + ": unknown range key \"" + it.key() + "\"; a range is {\"from\": A, \"to\": B, \"step\": S}");
  for (const char* k : {"from", "to"})
    if (!r.contains(k) || !r[k].is_number_integer())
      throw SweepSpecError(where + ": bad range: \"" + k + "\" must be a whole number; a range is {\"from\": A, \"to\": B, \"step\": S}");
  if (r.contains("step") && !r["step"].is_number_integer())
    throw SweepSpecError(where + ": bad range: \"step\" must be a whole number");
  const int64_t from = r["from"].get<int64_t>(), to = r["to"].get<int64_t>();
  const int64_t step = r.contains("step") ? r["step"].get<int64_t>() : 1;
  if (step <= 0) throw SweepSpecError(where + ": bad range: \"step\" must be more than 0");
  if (from > to) throw SweepSpecError(where + ": bad range: \"from\" " + std::to_string(from) + " is above \"to\" " + std::to_string(to));
  if (static_cast<uint64_t>(to - from) / static_cast<uint64_t>(step) >= kMaxPoints)
    throw SweepSpecError(where + ": range has more than " + std::to_string(kMaxPoints) + " values; use a larger step");
  std::vector<nlohmann::json> values;
  for (int64_t v = from; v <= to; v += step) {
    values.push_back(v);
    if (to - v < step) break;  // no overflow past `to`
  }
  return values;
}

SweepAxis parse_axis(const std::string& name, const ordered_json& def, const std::string& origin) {
  const std::string where = origin + ": axis \"" + name + "\"";
  SweepAxis axis;
  axis.name = name;
  if (name == "workload") {
    axis.kind = SweepAxis::Kind::kWorkload;
    if (!def.is_object() || def.empty())
      throw SweepSpecError(where + ": give named argument lists, e.g. {\"smoke\": [\"--kernel\", \"g_smoke_all.elf\"]}");
    for (auto it = def.begin(); it != def.end(); ++it) {
      if (!it.value().is_array())
        throw SweepSpecError(where + ": \"" + it.key() + "\" must be a list of arguments");
      std::vector<std::string> args;
      for (const auto& a : it.value()) {
        if (!a.is_string()) throw SweepSpecError(where + ": \"" + it.key() + "\": arguments must be strings");
        args.push_back(a.get<std::string>());
      }
      axis.values.push_back(it.key());
      axis.args.push_back(args);
    }
    return axis;
  }
  const bool is_key = name.find('.') != std::string::npos && name[0] != '-';
  if (!is_key && (name.size() < 2 || name[0] != '-'))
    throw SweepSpecError(where + ": unknown kind of axis; use a configuration key (\"hyp.wfi\"), an option (\"--smp\") or \"workload\"");

  std::vector<nlohmann::json> values;
  if (def.is_object()) {
    values = expand_range(def, where);
  } else if (def.is_array()) {
    if (def.empty()) throw SweepSpecError(where + ": empty; give at least one value");
    for (const auto& v : def) {
      if (!v.is_number() && !v.is_string() && !v.is_boolean())
        throw SweepSpecError(where + ": values must be numbers, strings or (for a flag) true/false; got " + v.dump());
      values.push_back(plain(v));
    }
  } else {
    throw SweepSpecError(where + ": give a list of values or a range {\"from\": A, \"to\": B, \"step\": S}");
  }
  const size_t booleans = std::count_if(values.begin(), values.end(), [](const nlohmann::json& v) { return v.is_boolean(); });
  if (booleans != 0 && (booleans != values.size() || is_key))
    throw SweepSpecError(where + (is_key ? ": a configuration key takes numbers, not true/false"
                                         : ": mixes true/false with values; a flag axis is [false, true]"));
  for (size_t i = 0; i < values.size(); ++i)
    for (size_t j = 0; j < i; ++j)
      if (values[i] == values[j]) throw SweepSpecError(where + ": value " + values[i].dump() + " given twice");

  if (is_key) {
    axis.kind = SweepAxis::Kind::kConfigKey;
    for (const auto& v : values) {
      TimingConfig probe;
      try {
        set_config_value(probe, name, as_word(v));
      } catch (const ConfigError& e) {
        throw SweepSpecError(where + ": " + e.what());
      }
      axis.args.push_back({"--set", name + "=" + as_word(v)});
    }
  } else if (booleans != 0) {
    axis.kind = SweepAxis::Kind::kFlag;
    for (const auto& v : values) axis.args.push_back(v.get<bool>() ? std::vector<std::string>{name} : std::vector<std::string>{});
  } else {
    // YAML 1.1's booleans are strings in YAML 1.2 (and JSON): say so rather
    // than pass "--no-guest-sstc yes" on.
    static const char* const kOldBooleans[] = {"yes", "no", "on", "off", "Yes", "No", "On", "Off", "YES", "NO", "ON", "OFF"};
    for (const auto& v : values)
      if (v.is_string() && std::find(std::begin(kOldBooleans), std::end(kOldBooleans), v.get<std::string>()) != std::end(kOldBooleans))
        throw SweepSpecError(where + ": value \"" + v.get<std::string>() + "\" is a string; a flag axis is [false, true]");
    axis.kind = SweepAxis::Kind::kOption;
    for (const auto& v : values) axis.args.push_back({name, as_word(v)});
  }
  axis.values = values;
  return axis;
}

}  // namespace

bool is_yaml_name(const std::string& origin) {
  for (const char* ext : {".yaml", ".yml"}) {
    const size_t n = std::char_traits<char>::length(ext);
    if (origin.size() > n && origin.compare(origin.size() - n, n, ext) == 0) return true;
  }
  return false;
}

SweepSpec parse_sweep_spec(const std::string& text, const std::string& origin) {
  ordered_json j;
  const bool yaml = is_yaml_name(origin);
  try {
    j = yaml ? yaml_to_json(text) : ordered_json::parse(text);
  } catch (const YamlError& e) {
    throw SweepSpecError(origin + ": not valid YAML: " + e.what());
  } catch (const nlohmann::json::parse_error& e) {
    std::string what = e.what();  // drop nlohmann's "[json.exception.parse_error.101] " prefix
    if (what.rfind("[json.exception", 0) == 0 && what.find("] ") != std::string::npos) what = what.substr(what.find("] ") + 2);
    throw SweepSpecError(origin + ": not valid JSON: " + what);
  }
  if (!j.is_object())
    throw SweepSpecError(origin + ": a sweep spec is " + (yaml ? "a YAML mapping" : "a JSON object") + " with \"command\" and \"axes\"");
  for (auto it = j.begin(); it != j.end(); ++it)
    if (std::find(std::begin(kKnownKeys), std::end(kKnownKeys), it.key()) == std::end(kKnownKeys))
      throw SweepSpecError(origin + ": unknown key \"" + it.key() +
                           "\"; a spec has name, command, axes, exclude, repetitions, timeout_seconds");
  SweepSpec spec;
  spec.canonical = j.dump();
  if (j.contains("name")) {
    if (!j["name"].is_string()) throw SweepSpecError(origin + ": \"name\" must be a string");
    spec.name = j["name"].get<std::string>();
  }
  if (!j.contains("command") || !j["command"].is_array())
    throw SweepSpecError(origin + ": \"command\" missing: give rvh-vp's arguments as a list, e.g. [\"--hyp\", \"--kernel\", \"g.elf\"]");
  for (const auto& a : j["command"]) {
    if (!a.is_string()) throw SweepSpecError(origin + ": \"command\": arguments must be strings; got " + a.dump());
    spec.command.push_back(a.get<std::string>());
  }
  for (const std::string& a : spec.command)
    if (a == "--stats" || a.rfind("--stats=", 0) == 0 || a == "--json")
      throw SweepSpecError(origin + ": \"command\": drop " + a + "; the sweep gives each point its own");

  if (!j.contains("axes") || !j["axes"].is_object() || j["axes"].empty())
    throw SweepSpecError(origin + ": \"axes\" missing or empty: give at least one axis, e.g. {\"hyp.wfi\": [100, 500]}");
  size_t points = 1;
  for (auto it = j["axes"].begin(); it != j["axes"].end(); ++it) {
    spec.axes.push_back(parse_axis(it.key(), it.value(), origin));
    points *= spec.axes.back().values.size();
    if (points > kMaxPoints) throw SweepSpecError(origin + ": the grid has more than " + std::to_string(kMaxPoints) + " points; sweep fewer values");
  }

  if (j.contains("exclude")) {
    if (!j["exclude"].is_array()) throw SweepSpecError(origin + ": \"exclude\" must be a list of objects {axis: value, ...}");
    for (const auto& e : j["exclude"]) {
      if (!e.is_object() || e.empty()) throw SweepSpecError(origin + ": \"exclude\": each entry is an object {axis: value, ...}; got " + e.dump());
      std::vector<std::pair<size_t, nlohmann::json>> match;
      for (auto it = e.begin(); it != e.end(); ++it) {
        const auto axis = std::find_if(spec.axes.begin(), spec.axes.end(), [&](const SweepAxis& a) { return a.name == it.key(); });
        if (axis == spec.axes.end()) throw SweepSpecError(origin + ": \"exclude\": no axis \"" + it.key() + "\"");
        const nlohmann::json v = plain(it.value());
        if (std::find(axis->values.begin(), axis->values.end(), v) == axis->values.end())
          throw SweepSpecError(origin + ": \"exclude\": axis \"" + it.key() + "\" has no value " + v.dump());
        match.emplace_back(static_cast<size_t>(axis - spec.axes.begin()), v);
      }
      spec.excludes.push_back(match);
    }
  }
  if (j.contains("repetitions")) {
    const auto& r = j["repetitions"];
    if (!r.is_number_integer() || r.get<int64_t>() < 1 || r.get<int64_t>() > 1000)
      throw SweepSpecError(origin + ": \"repetitions\" must be a whole number from 1 to 1000");
    spec.repetitions = r.get<unsigned>();
  }
  if (j.contains("timeout_seconds")) {
    const auto& t = j["timeout_seconds"];
    if (!t.is_number() || t.get<double>() < 0)
      throw SweepSpecError(origin + ": \"timeout_seconds\" must be a number of seconds (0: none)");
    spec.timeout_seconds = t.get<double>();
  }
  return spec;
}

std::vector<SweepGridPoint> expand_sweep_grid(const SweepSpec& spec) {
  size_t total = 1;
  for (const auto& a : spec.axes) total *= a.values.size();
  const int width = std::max<int>(4, static_cast<int>(std::to_string(total ? total - 1 : 0).size()));
  std::vector<SweepGridPoint> grid;
  for (size_t index = 0; index < total; ++index) {
    std::vector<size_t> choice(spec.axes.size());
    size_t rest = index;
    for (size_t a = spec.axes.size(); a-- > 0;) {
      choice[a] = rest % spec.axes[a].values.size();
      rest /= spec.axes[a].values.size();
    }
    const bool excluded = std::any_of(spec.excludes.begin(), spec.excludes.end(), [&](const auto& match) {
      return std::all_of(match.begin(), match.end(), [&](const auto& m) { return spec.axes[m.first].values[choice[m.first]] == m.second; });
    });
    if (excluded) continue;
    std::vector<std::string> args = spec.command;
    for (size_t a = 0; a < spec.axes.size(); ++a)
      args.insert(args.end(), spec.axes[a].args[choice[a]].begin(), spec.axes[a].args[choice[a]].end());
    for (unsigned rep = 1; rep <= spec.repetitions; ++rep) {
      const std::string digits = std::to_string(index);
      const std::string id = "p" + std::string(static_cast<size_t>(width) - std::min(digits.size(), static_cast<size_t>(width)), '0') +
                             digits + "-r" + std::to_string(rep);
      grid.push_back(SweepGridPoint{id, index, rep, choice, args});
    }
  }
  return grid;
}

std::vector<std::string> sweep_output_args(const SweepSpec& spec, const std::vector<std::string>& args,
                                           const std::string& stats_path) {
  if (spec.is_bench()) return {"--json", stats_path};
  if (std::find(args.begin(), args.end(), "--no-stdin") != args.end()) return {"--stats", stats_path};
  return {"--stats", stats_path, "--no-stdin"};
}

void check_sweep_command_lines(const SweepSpec& spec, const std::vector<SweepGridPoint>& grid, const std::string& origin) {
  std::vector<std::string> checked;  // distinct command lines only
  for (const SweepGridPoint& p : grid) {
    if (p.repetition != 1) continue;
    auto line = [&]() {
      std::string s;
      for (const auto& a : p.args) s += " " + a;
      return s;
    };
    if (spec.is_bench()) {
      TimingConfig probe;
      for (size_t i = 1; i + 1 < p.args.size(); ++i)
        if (p.args[i] == "--set") {
          try {
            set_config_assignment(probe, p.args[i + 1]);
          } catch (const ConfigError& e) {
            throw SweepSpecError(origin + ": point " + p.id + " (rvh-vp" + line() + "): " + e.what());
          }
        }
      continue;
    }
    std::vector<std::string> words = {"rvh-vp"};
    words.insert(words.end(), p.args.begin(), p.args.end());
    for (const auto& a : sweep_output_args(spec, p.args, "/dev/null")) words.push_back(a);
    std::vector<char*> argv;
    for (auto& w : words) argv.push_back(w.data());
    argv.push_back(nullptr);
    try {
      const Options opt = parse_options(static_cast<int>(argv.size() - 1), argv.data());
      if (opt.help || opt.version || opt.help_config || opt.dump_config)
        throw SweepSpecError(origin + ": \"command\": drop --help/--version/--help-config/--dump-config; a point must run");
      resolve_config(opt.config_file, opt.hyp_costs, opt.config_sets);
    } catch (const UsageError& e) {
      throw SweepSpecError(origin + ": point " + p.id + " (rvh-vp" + line() + "): " + e.what());
    } catch (const ConfigError& e) {
      throw SweepSpecError(origin + ": point " + p.id + " (rvh-vp" + line() + "): " + e.what());
    }
  }
}

nlohmann::json sweep_point_params(const SweepSpec& spec, const SweepGridPoint& point) {
  nlohmann::json params = nlohmann::json::object();
  for (size_t a = 0; a < spec.axes.size(); ++a) params[spec.axes[a].name] = spec.axes[a].values[point.choice[a]];
  return params;
}

}  // namespace rvh
