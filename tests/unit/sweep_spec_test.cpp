// tests/unit/sweep_spec_test.cpp: `rvh-vp sweep`'s spec (platform/sweep_spec.h):
// parsing, the errors a user meets, the grid's order, ids, excludes and
// command lines; and the SQLite file (platform/sweep_db.h).
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <sstream>

#include <unistd.h>

#include "platform/sweep_db.h"
#include "platform/sweep_spec.h"
#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

namespace rvh {
namespace {

std::string error_of(const std::string& text) {
  try {
    const SweepSpec spec = parse_sweep_spec(text, "s.json");
    check_sweep_command_lines(spec, expand_sweep_grid(spec), "s.json");
  } catch (const SweepSpecError& e) {
    return e.what();
  }
  return "";
}

const char* const kCommand = R"("command": ["--hyp", "--kernel", "g.elf"])";

TEST(SweepSpec, GridIsTheCartesianProductLastAxisFastest) {
  const SweepSpec spec = parse_sweep_spec(std::string("{") + kCommand + R"(, "name": "n",
      "axes": {"hyp.mmio_user": [1000, 2730], "hyp.wfi": {"from": 100, "to": 500, "step": 200},
               "--no-guest-sstc": [false, true]}})", "s.json");
  EXPECT_EQ(spec.name, "n");
  const auto grid = expand_sweep_grid(spec);
  ASSERT_EQ(grid.size(), 12u);
  EXPECT_EQ(grid[0].id, "p0000-r1");
  EXPECT_EQ(grid[11].id, "p0011-r1");
  EXPECT_EQ(grid[0].args, (std::vector<std::string>{"--hyp", "--kernel", "g.elf", "--set", "hyp.mmio_user=1000", "--set",
                                                    "hyp.wfi=100"}));
  EXPECT_EQ(grid[1].args, (std::vector<std::string>{"--hyp", "--kernel", "g.elf", "--set", "hyp.mmio_user=1000", "--set",
                                                    "hyp.wfi=100", "--no-guest-sstc"}));
  EXPECT_EQ(grid[2].args[6], "hyp.wfi=300");
  EXPECT_EQ(grid[11].args[4], "hyp.mmio_user=2730");
  EXPECT_EQ(grid[11].args[6], "hyp.wfi=500");
  EXPECT_EQ(sweep_point_params(spec, grid[3]),
            nlohmann::json::parse(R"({"hyp.mmio_user": 1000, "hyp.wfi": 300, "--no-guest-sstc": true})"));
  EXPECT_NO_THROW(check_sweep_command_lines(spec, grid, "s.json"));
}

TEST(SweepSpec, ExcludesRepetitionsWorkloadsAndOptions) {
  const SweepSpec spec = parse_sweep_spec(R"({"command": ["--hyp"],
      "axes": {"--smp": [1, 2], "hyp.wfi": [100, 300],
               "workload": {"a": ["--kernel", "a.elf"], "b": ["--kernel", "b.elf"]}},
      "exclude": [{"--smp": 2, "hyp.wfi": 100}], "repetitions": 2, "timeout_seconds": 30})", "s.json");
  EXPECT_EQ(spec.timeout_seconds, 30);
  const auto grid = expand_sweep_grid(spec);
  ASSERT_EQ(grid.size(), (8u - 2u) * 2u);
  EXPECT_EQ(grid[0].id, "p0000-r1");
  EXPECT_EQ(grid[1].id, "p0000-r2");
  EXPECT_EQ(grid[0].args, (std::vector<std::string>{"--hyp", "--smp", "1", "--set", "hyp.wfi=100", "--kernel", "a.elf"}));
  for (const auto& p : grid) EXPECT_FALSE(p.args[2] == "2" && p.args[4] == "hyp.wfi=100") << p.id;
  EXPECT_EQ(grid.back().id, "p0007-r2");  // ids keep the full grid's index
  EXPECT_EQ(sweep_point_params(spec, grid.back())["workload"], "b");
  EXPECT_EQ(sweep_output_args(spec, grid[0].args, "/o/p.json"), (std::vector<std::string>{"--stats", "/o/p.json", "--no-stdin"}));
  EXPECT_EQ(sweep_output_args(spec, {"--no-stdin", "x.elf"}, "p.json"), (std::vector<std::string>{"--stats", "p.json"}));
}

TEST(SweepSpec, SameTextSameCanonicalFormAndIds) {
  const std::string a = R"({"command": ["x.elf"], "axes": {"hart.cpi.div": [10, 20]}})";
  const std::string b = "{\n  \"command\": [\"x.elf\"],\n  \"axes\": {\"hart.cpi.div\": [10, 20]}\n}\n";
  EXPECT_EQ(parse_sweep_spec(a, "a").canonical, parse_sweep_spec(b, "b").canonical);
  EXPECT_NE(parse_sweep_spec(a, "a").canonical,
            parse_sweep_spec(R"({"command": ["x.elf"], "axes": {"hart.cpi.div": [10, 30]}})", "c").canonical);
}

// A YAML spec is the same spec as its JSON: the same canonical form (so a
// database made from one resumes from the other), grid and ids.
TEST(SweepSpec, YamlSpecEqualsItsJson) {
  const SweepSpec from_json = parse_sweep_spec(R"({"name": "n", "command": ["--hyp", "--kernel", "g.elf"],
      "axes": {"hyp.wfi": {"from": 100, "to": 500, "step": 200}, "--no-guest-sstc": [false, true],
               "workload": {"a": ["--smp", "2"]}},
      "exclude": [{"hyp.wfi": 300}], "repetitions": 2, "timeout_seconds": 1.5})", "s.json");
  const SweepSpec from_yaml = parse_sweep_spec(R"(# the same sweep
name: n
command: [--hyp, --kernel, g.elf]
axes:
  hyp.wfi: {from: 100, to: 500, step: 200}
  --no-guest-sstc: [false, true]
  workload:
    a: [--smp, "2"]
exclude:
  - hyp.wfi: 300
repetitions: 2
timeout_seconds: 1.5
)", "s.yaml");
  EXPECT_EQ(from_yaml.canonical, from_json.canonical);
  const auto a = expand_sweep_grid(from_json), b = expand_sweep_grid(from_yaml);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_EQ(a[i].args, b[i].args);
}

TEST(SweepSpec, YamlScalarsAndErrors) {
  // Plain scalars are typed by YAML 1.2's core schema; quoted ones stay strings;
  // "yes"/"on" are strings (YAML 1.1's booleans are not), so a flag axis rejects them.
  const SweepSpec s = parse_sweep_spec("command: [x.elf]\naxes:\n  hyp.wfi: [100, '300']\n", "s.yml");
  EXPECT_EQ(s.axes[0].values, (std::vector<nlohmann::json>{100, "300"}));
  auto yaml_error = [](const std::string& text) {
    try {
      const SweepSpec spec = parse_sweep_spec(text, "s.yaml");
      check_sweep_command_lines(spec, expand_sweep_grid(spec), "s.yaml");
    } catch (const SweepSpecError& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(yaml_error("command: [x.elf\naxes: {}\n"),
            "s.yaml: not valid YAML: line 2, column 5: end of sequence flow not found");
  EXPECT_EQ(yaml_error("command: [x.elf]\ncommand: [y.elf]\n"), "s.yaml: not valid YAML: line 2, column 1: duplicate key \"command\"");
  EXPECT_EQ(yaml_error("- a\n- b\n"), "s.yaml: a sweep spec is a YAML mapping with \"command\" and \"axes\"");
  EXPECT_EQ(yaml_error("command: [x.elf]\n---\ncommand: [y.elf]\n"), "s.yaml: not valid YAML: line 3, column 1: more than one document");
  const std::string yes = yaml_error("command: [--hyp, --kernel, g.elf]\naxes:\n  --no-guest-sstc: [yes, no]\n");
  EXPECT_EQ(yes, "s.yaml: axis \"--no-guest-sstc\": value \"yes\" is a string; a flag axis is [false, true]");
}

TEST(SweepSpec, BenchCommandsWriteJson) {
  const SweepSpec spec = parse_sweep_spec(R"({"command": ["bench", "--no-io"], "axes": {"hyp.sbi_call": [100, 200]}})", "s");
  EXPECT_TRUE(spec.is_bench());
  EXPECT_EQ(sweep_output_args(spec, {}, "p.json"), (std::vector<std::string>{"--json", "p.json"}));
  EXPECT_NO_THROW(check_sweep_command_lines(spec, expand_sweep_grid(spec), "s"));
}

TEST(SweepSpec, ErrorsAreOneLineNamingTheProblem) {
  EXPECT_EQ(error_of("{not json"), "s.json: not valid JSON: parse error at line 1, column 3: syntax error while parsing "
                                   "object key - invalid literal; last read: '{no'; expected string literal");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"hyp.wfi": [1]}, "colour": 1})"),
            "s.json: unknown key \"colour\"; a spec has name, command, axes, exclude, repetitions, timeout_seconds");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {}})"),
            "s.json: \"axes\" missing or empty: give at least one axis, e.g. {\"hyp.wfi\": [100, 500]}");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"hyp.wfi": []}})"),
            "s.json: axis \"hyp.wfi\": empty; give at least one value");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"hyp.wfi": {"from": 500, "to": 100, "step": 100}}})"),
            "s.json: axis \"hyp.wfi\": bad range: \"from\" 500 is above \"to\" 100");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"hyp.wfi": {"from": 1, "to": 5, "step": 0}}})"),
            "s.json: axis \"hyp.wfi\": bad range: \"step\" must be more than 0");
  EXPECT_NE(error_of(std::string("{") + kCommand + R"(, "axes": {"hyp.no_such_key": [1]}})")
                .find("s.json: axis \"hyp.no_such_key\": "),
            std::string::npos);
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"smp": [1]}})"),
            "s.json: axis \"smp\": unknown kind of axis; use a configuration key (\"hyp.wfi\"), an option (\"--smp\") or \"workload\"");
  EXPECT_EQ(error_of(std::string("{") + kCommand + R"(, "axes": {"--smp": [1]}, "exclude": [{"--smp": 3}]})"),
            "s.json: \"exclude\": axis \"--smp\" has no value 3");
  EXPECT_EQ(error_of(R"({"axes": {"--smp": [1]}})"),
            "s.json: \"command\" missing: give rvh-vp's arguments as a list, e.g. [\"--hyp\", \"--kernel\", \"g.elf\"]");
  EXPECT_EQ(error_of(R"({"command": ["--stats", "x"], "axes": {"--smp": [1]}})"),
            "s.json: \"command\": drop --stats; the sweep gives each point its own");
  // The command lines go through rvh-vp's own option parser.
  const std::string smp9 = error_of(std::string("{") + kCommand + R"(, "axes": {"--smp": [1, 9]}})");
  EXPECT_EQ(smp9.rfind("s.json: point p0001-r1 (rvh-vp --hyp --kernel g.elf --smp 9): --smp", 0), 0u) << smp9;
  const std::string bogus = error_of(std::string("{") + kCommand + R"(, "axes": {"--bogus": [1]}})");
  EXPECT_EQ(bogus.rfind("s.json: point p0000-r1 (rvh-vp --hyp --kernel g.elf --bogus 1): ", 0), 0u) << bogus;
}

std::string temp_db() {
  const auto p = std::filesystem::temp_directory_path() / ("sweep_spec_test_" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(p);
  return p.string();
}

TEST(SweepDb, RecordsResumesAndRefusesAnotherSpec) {
  const std::string path = temp_db();
  {
    SweepDb db(path);
    db.bind_spec("{\"a\":1}", {"hyp.wfi", "--smp"}, "rvh-vp test", false);
    SweepRow r;
    r.id = "p0000-r1";
    r.params = {{"hyp.wfi", 100}, {"--smp", 1}};
    r.status = "ok";
    r.exit_code = 0;
    r.host_seconds = 0.5;
    r.stats_json = R"({"instructions": 1234, "sim_time_ns": 99, "hypervisor": {"vm": {"exits": 7,
        "hypervisor_cycles": 25, "guest_cycles": 75, "cycles": 100, "cost_cycles": {"sbi": 20},
        "exit_cost_histograms": {"wfi": {"count": 3, "sum_cycles": 30}}}}})";
    db.record(r);
    r.id = "p0001-r1";
    r.params = {{"hyp.wfi", 300}, {"--smp", 1}};
    r.status = "failed";
    r.exit_code = 3;
    r.error = "exit status 3: boom, \"quoted\"";
    r.stats_json.clear();
    db.record(r);
  }
  SweepDb db(path);
  db.bind_spec("{\"a\":1}", {"hyp.wfi", "--smp"}, "rvh-vp test", false);  // the same spec: kept
  EXPECT_EQ(db.statuses(), (std::map<std::string, std::string>{{"p0000-r1", "ok"}, {"p0001-r1", "failed"}}));
  std::ostringstream csv;
  db.export_csv(csv);
  EXPECT_EQ(csv.str(),
            "id,grid_index,repetition,hyp.wfi,--smp,params,status,exit_code,error,host_seconds,instructions,sim_time_ns,"
            "exits,hyp_cycles,guest_cycles,hyp_share,exits_by_cause,cost_cycles,overhead_percent,cycles_per_op\n"
            "p0000-r1,0,1,100,1,\"{\"\"--smp\"\":1,\"\"hyp.wfi\"\":100}\",ok,0,,0.5,1234,99,7,25,75,0.25,"
            "\"{\"\"wfi\"\":3}\",\"{\"\"sbi\"\":20}\",,{}\n"
            "p0001-r1,0,1,300,1,\"{\"\"--smp\"\":1,\"\"hyp.wfi\"\":300}\",failed,3,\"exit status 3: boom, \"\"quoted\"\"\",0.5,,,,,,,{},{},,{}\n");
  try {
    db.bind_spec("{\"a\":2}", {"hyp.wfi"}, "rvh-vp test", false);
    FAIL() << "a different spec was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), path + ": holds 2 points of a different spec; give another --db, or --fresh to discard them");
  }
  db.bind_spec("{\"a\":2}", {"hyp.wfi"}, "rvh-vp test", true);
  EXPECT_TRUE(db.statuses().empty());
  std::filesystem::remove(path);
}

// `rvh-vp bench --json` gives the workload's overhead and each operation's
// simulated cycles; the run figures stay null.
TEST(SweepFigures, BenchTable) {
  const SweepFigures f = sweep_figures(nlohmann::json::parse(R"({"schema": "rvh-vp-bench/1",
      "operations": [{"name": "null_sbi", "sim_cycles_per_op": 981.08}, {"name": "mmio_user", "sim_cycles_per_op": 2731},
                     {"name": "timer_sbi", "sim_latency_cycles": 897.2}, {"name": "broken"}],
      "workload": {"bare_cycles": 100, "guest_cycles": 112, "overhead_percent": 12.0}})"));
  EXPECT_EQ(f.overhead_percent, 12.0);
  EXPECT_EQ(f.cycles_per_op, (nlohmann::json{{"null_sbi", 981.08}, {"mmio_user", 2731}, {"timer_sbi", 897.2}}));
  EXPECT_TRUE(f.instructions.is_null());
  EXPECT_TRUE(f.hyp_share.is_null());
}

}  // namespace
}  // namespace rvh
