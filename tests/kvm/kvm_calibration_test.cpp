// tests/kvm/kvm_calibration_test.cpp: `rvh-vp calibrate` (issue 12,
// platform/calibrate_cmd.cpp) as a user meets it. It boots the real
// Linux 6.1 KVM host on rvh-vp, runs gb_micro under it and fits the hosted
// hypervisor's hyp.* costs; these cases check the file it writes, that
// `rvh-vp --hyp --config FILE` then agrees with the real KVM (per operation
// within 10 %, g_smoke_all's whole run within 15 %, the issue's bounds), and
// that the costs follow a changed timing model.
// Each calibration runs once per test binary (Calibrations below); the runs'
// files stay in a temporary directory that is removed when every case passed.
#include <sys/wait.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#if !defined(RVH_VP) || !defined(RVH_KVM_HOST_IMAGE) || !defined(RVH_KVM_INITRD) || !defined(RVH_OPENSBI) || \
    !defined(RVH_SW_DIR)
#error "RVH_VP, RVH_KVM_HOST_IMAGE, RVH_KVM_INITRD, RVH_OPENSBI and RVH_SW_DIR must be defined"
#endif

namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr int kCalibrateLimitSeconds = 300;  // the issue: the cost file in under 5 minutes
constexpr double kPerOperation = 0.10;       // hosted vs real KVM, each calibrated operation
constexpr double kWholeRun = 0.15;           // hosted vs real KVM, g_smoke_all's whole run
const std::string kGbMicro = std::string(RVH_SW_DIR) + "/gb_micro.elf";
const std::string kSmokeAll = std::string(RVH_SW_DIR) + "/g_smoke_all.elf";

std::string quote(const std::string& s) { return "'" + s + "'"; }

std::string slurp(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  std::ostringstream s;
  s << f.rdbuf();
  return s.str();
}

// The temporary directory of this test binary's runs.
const fs::path& work_dir() {
  static const fs::path dir = [] {
    std::string tmpl = (fs::path(::testing::TempDir()) / "rvh-kvm-calibration-XXXXXX").string();
    if (!mkdtemp(tmpl.data())) throw std::runtime_error("cannot create " + tmpl);
    return fs::path(tmpl);
  }();
  return dir;
}

class KeepRunsOnFailure : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    if (::testing::UnitTest::GetInstance()->Passed()) fs::remove_all(work_dir(), ec);
    else std::cout << "kvm_calibration_test: the runs are kept in " << work_dir().string() << "\n";
  }
};
[[maybe_unused]] ::testing::Environment* const kCleanup = ::testing::AddGlobalTestEnvironment(new KeepRunsOnFailure);

struct Outcome {  // of a command line
  int status = -1;  // exit status; 124 when `timeout` stopped it
  double wall_s = 0;
  std::string output;  // stdout and stderr
  std::string log;     // where they are
};

// Runs a shell command line with its output in <work dir>/<tag>.log.
Outcome run(const std::string& tag, const std::string& command, int timeout_s) {
  Outcome r;
  r.log = (work_dir() / (tag + ".log")).string();
  const std::string line =
      "timeout " + std::to_string(timeout_s) + " " + command + " </dev/null >" + quote(r.log) + " 2>&1";
  const auto t0 = std::chrono::steady_clock::now();
  const int rc = std::system(line.c_str());
  r.wall_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  r.status = WIFEXITED(rc) ? WEXITSTATUS(rc) : -1;
  r.output = slurp(r.log);
  return r;
}

json parse_file(const std::string& path, std::string& error) {
  try {
    return json::parse(slurp(path));
  } catch (const std::exception& e) {
    error = path + ": " + e.what();
    return nullptr;
  }
}

std::string sha256_of(const std::string& path) {
  std::string digest;
  if (FILE* p = popen(("sha256sum " + quote(path)).c_str(), "r")) {
    char buf[65] = {};
    if (fread(buf, 1, 64, p) == 64) digest.assign(buf, 64);
    pclose(p);
  }
  return digest;
}

// config["hyp"]["sbi_call"] for "hyp.sbi_call"; null when absent.
json at_key(const json& config, const std::string& dotted) {
  const json* j = &config;
  std::istringstream parts(dotted);
  for (std::string part; std::getline(parts, part, '.');) {
    if (!j->is_object() || !j->contains(part)) return nullptr;
    j = &(*j)[part];
  }
  return *j;
}

// Cycles per operation of a --stats region: cycles per iteration, or for a
// latency operation (timer, WFI wake-up) its mean latency in cycles.
double region_cycles(const json& region, double clock_hz) {
  if (region.contains("latency") && region["latency"].value("samples", 0) > 0)
    return region["latency"]["mean_ns"].get<double>() * clock_hz / 1e9;
  return region["cycles"].get<double>() / region["iterations"].get<double>();
}

// The first record of each region name (the boot vCPU's).
std::map<std::string, json> regions_by_name(const json& regions) {
  std::map<std::string, json> by_name;
  if (regions.is_array())
    for (const json& r : regions)
      if (r.is_object() && r.contains("name") && r.value("iterations", 0.0) > 0)
        by_name.emplace(r["name"].get<std::string>(), r);
  return by_name;
}

double relative_error(double reference, double value) { return std::fabs(value - reference) / reference; }

std::string fmt(double v) {
  std::ostringstream s;
  s << std::fixed << std::setprecision(1) << v;
  return s.str();
}

struct Calibration {
  Outcome run;
  std::string file;
  json doc;
  std::string parse_error;
};

class Calibrations : public ::testing::Test {
 protected:
  // The default timing model, and one whose host code is slower (a load
  // costs 3 cycles instead of 1): each calibrated once.
  static const Calibration& defaults() { return calibrated("default", ""); }
  static const Calibration& slower_loads() { return calibrated("cpi_load_3", "--set hart.cpi.load=3"); }

  // Fails (fatally) unless the calibration ran and its file parses.
  static void require(const Calibration& c) {
    ASSERT_EQ(c.run.status, 0) << "rvh-vp calibrate failed; its output (" << c.run.log << "):\n" << c.run.output;
    ASSERT_TRUE(fs::is_regular_file(c.file)) << c.file << " not written";
    ASSERT_TRUE(c.doc.is_object()) << c.parse_error;
    for (const char* array : {"operations", "costs"})
      ASSERT_TRUE(c.doc.contains(array) && c.doc[array].is_array()) << c.file << ": no \"" << array << "\" array";
    ASSERT_TRUE(c.doc.contains("config") && c.doc["config"].is_object()) << c.file << ": no \"config\" object";
  }

  static uint64_t after(const Calibration& c, const std::string& key) {
    for (const json& row : c.doc["costs"])
      if (row.value("key", "") == key && row.contains("after")) return row["after"].get<uint64_t>();
    ADD_FAILURE() << c.file << ": no cost row for " << key;
    return 0;
  }

 private:
  static const Calibration& calibrated(const std::string& tag, const std::string& extra) {
    static std::map<std::string, Calibration> done;
    if (const auto it = done.find(tag); it != done.end()) return it->second;
    Calibration c;
    c.file = (work_dir() / ("calibrated_" + tag + ".json")).string();
    c.run = run("calibrate_" + tag,
                std::string(RVH_VP) + " calibrate --kvm-kernel " + quote(RVH_KVM_HOST_IMAGE) + " --kvm-initrd " +
                    quote(RVH_KVM_INITRD) + " --bios " + quote(RVH_OPENSBI) + " --sw-dir " + quote(RVH_SW_DIR) +
                    " --output " + quote(c.file) + " " + extra,
                kCalibrateLimitSeconds);
    std::cout << "rvh-vp calibrate" << (extra.empty() ? "" : " " + extra) << ": exit " << c.run.status << " in "
              << fmt(c.run.wall_s) << " s\n";
    if (fs::is_regular_file(c.file)) c.doc = parse_file(c.file, c.parse_error);
    return done.emplace(tag, std::move(c)).first->second;
  }
};

// (a) The cost file: schema, provenance, convergence, one cost row per
// calibrated key, a reason for every operation left uncalibrated; rvh-vp
// takes it as a --config file with the calibrated values.
TEST_F(Calibrations, WritesAConvergedCostFileWithProvenance) {
  const Calibration& c = defaults();
  EXPECT_LT(c.run.wall_s, kCalibrateLimitSeconds);
  ASSERT_NO_FATAL_FAILURE(require(c));
  EXPECT_NE(c.run.output.find("wrote " + c.file), std::string::npos) << c.run.output;
  const json& d = c.doc;
  EXPECT_EQ(d.value("schema", ""), "rvh-vp-calibration/1");
  EXPECT_EQ(d.value("converged", false), true) << "calibrate says it did not converge";

  ASSERT_TRUE(d.contains("provenance") && d["provenance"].is_object());
  const json& p = d["provenance"];
  EXPECT_EQ(p.value("kvm_kernel", "").rfind("Linux 6.1", 0), 0u) << "kvm_kernel: " << p.value("kvm_kernel", "");
  EXPECT_TRUE(std::regex_match(p.value("date", ""), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")))
      << "date: " << p.value("date", "");
  EXPECT_TRUE(p.contains("versions") && p["versions"].is_object() && !p["versions"].empty());
  EXPECT_TRUE(at_key(p, "timing_config.hart.clock_hz").is_number()) << "no timing configuration";
  ASSERT_TRUE(p.contains("inputs") && p["inputs"].is_array());
  std::set<std::string> input_paths;
  for (const json& in : p["inputs"]) {
    const std::string path = in.value("path", "");
    input_paths.insert(path);
    EXPECT_TRUE(std::regex_match(in.value("sha256", ""), std::regex("[0-9a-f]{64}"))) << path << ": " << in.dump();
    EXPECT_GT(in.value("bytes", 0), 0) << path;
  }
  for (const std::string path : {RVH_KVM_HOST_IMAGE, RVH_KVM_INITRD, RVH_OPENSBI, kGbMicro.c_str()})
    EXPECT_TRUE(input_paths.count(path)) << path << " is not among the provenance inputs";
  for (const json& in : p["inputs"]) {
    if (in.value("path", "") != RVH_KVM_HOST_IMAGE) continue;
    EXPECT_EQ(in.value("sha256", ""), sha256_of(RVH_KVM_HOST_IMAGE)) << "the kernel's hash is not its file's";
  }

  // Operations: measured under KVM; calibrated ones name their key, the
  // others say why not.
  EXPECT_GE(d["operations"].size(), 8u);
  std::set<std::string> calibrated_keys;
  for (const json& op : d["operations"]) {
    const std::string name = op.value("operation", "");
    EXPECT_GT(op.value("kvm_cycles", 0.0), 0.0) << name;
    EXPECT_TRUE(op.contains("hosted_before_cycles") && op["hosted_before_cycles"].is_number()) << name;
    EXPECT_TRUE(op.contains("hosted_after_cycles") && op["hosted_after_cycles"].is_number()) << name;
    EXPECT_TRUE(op.contains("relative_error") && op["relative_error"].is_number()) << name;
    ASSERT_TRUE(op.contains("calibrates")) << name;
    if (op["calibrates"].is_null())
      EXPECT_FALSE(op.value("not_calibrated_because", "").empty()) << name << " is not calibrated and says not why";
    else
      calibrated_keys.insert(op["calibrates"].get<std::string>());
  }
  EXPECT_GE(calibrated_keys.size(), 6u);

  // Costs: one row per calibrated key, with the value before and after.
  std::set<std::string> cost_keys;
  for (const json& row : d["costs"]) {
    const std::string key = row.value("key", "");
    EXPECT_TRUE(cost_keys.insert(key).second) << key << " twice";
    EXPECT_TRUE(row.contains("before") && row["before"].is_number_unsigned()) << key;
    EXPECT_TRUE(row.contains("after") && row["after"].is_number_unsigned()) << key;
    EXPECT_EQ(at_key(d, "config." + key), at_key(row, "after")) << key << ": not the calibrated value in \"config\"";
  }
  EXPECT_EQ(cost_keys, calibrated_keys);

  // rvh-vp takes the file as its configuration, with the calibrated values.
  const Outcome dump = run("dump_config", std::string(RVH_VP) + " --dump-config --config " + quote(c.file), 60);
  ASSERT_EQ(dump.status, 0) << dump.output;
  std::string error;
  const json shown = parse_file(dump.log, error);
  ASSERT_TRUE(shown.is_object()) << error;
  for (const json& row : d["costs"])
    EXPECT_EQ(at_key(shown, row.value("key", "")), at_key(row, "after")) << row.value("key", "") << " in --dump-config";
}

// (b) Side by side: the hosted hypervisor with the calibrated costs runs the
// same benchmark guest; every calibrated operation is within 10 % of KVM.
TEST_F(Calibrations, HostedAgreesWithKvmPerOperation) {
  const Calibration& c = defaults();
  ASSERT_NO_FATAL_FAILURE(require(c));
  const std::string stats = (work_dir() / "hosted_gb_micro.json").string();
  const Outcome h = run("hosted_gb_micro",
                    std::string(RVH_VP) + " --hyp --no-stdin --smp 2 --kernel " + quote(kGbMicro) + " --config " +
                        quote(c.file) + " --stats " + quote(stats),
                    120);
  ASSERT_EQ(h.status, 0) << h.output;
  EXPECT_NE(h.output.find("BENCH done"), std::string::npos) << h.output;
  std::string error;
  const json s = parse_file(stats, error);
  ASSERT_TRUE(s.is_object()) << error;
  const auto regions = regions_by_name(at_key(s, "hypervisor.regions"));
  const double clock_hz = at_key(c.doc, "config.hart.clock_hz").get<double>();
  int compared = 0;
  for (const json& op : c.doc["operations"]) {
    if (at_key(op, "calibrates").is_null()) continue;
    const std::string name = op.value("operation", "");
    ASSERT_TRUE(regions.count(name)) << "no region " << name << " in " << stats;
    const double kvm = op.value("kvm_cycles", 0.0), hosted = region_cycles(regions.at(name), clock_hz);
    std::cout << "  " << name << ": KVM " << fmt(kvm) << " cycles, hosted " << fmt(hosted) << " ("
              << fmt(100 * relative_error(kvm, hosted)) << " %)\n";
    EXPECT_LE(relative_error(kvm, hosted), kPerOperation)
        << name << " (" << op["calibrates"] << "): KVM " << kvm << " cycles, hosted " << hosted;
    ++compared;
  }
  EXPECT_GE(compared, 8);
}

// (c) Whole run: g_smoke_all under the real KVM (1 vCPU) and under the
// hosted hypervisor with the calibrated costs. Linux 6.1 KVM has no DBCN,
// so the hosted run disables it too: both print with the legacy putchar.
TEST_F(Calibrations, HostedAgreesWithKvmOnAWholeRun) {
  const Calibration& c = defaults();
  ASSERT_NO_FATAL_FAILURE(require(c));
  const std::string kvm_stats = (work_dir() / "kvm_g_smoke_all.json").string();
  const Outcome k = run("kvm_g_smoke_all",
                    std::string(RVH_VP) + " --no-stdin --smp 2 -m 512M --bios " + quote(RVH_OPENSBI) + " --kernel " +
                        quote(RVH_KVM_HOST_IMAGE) + " --initrd " + quote(RVH_KVM_INITRD) +
                        " --append 'console=ttyS0 earlycon=sbi rvh_guest=g_smoke_all rvh_vcpus=1' --stats " +
                        quote(kvm_stats),
                    600);
  ASSERT_EQ(k.status, 0) << k.output;
  EXPECT_NE(k.output.find("PASS: g_smoke_all"), std::string::npos) << k.output;
  EXPECT_NE(k.output.find("RVH-KVM-HOST: done"), std::string::npos) << k.output;

  const std::string hosted_stats = (work_dir() / "hosted_g_smoke_all.json").string();
  const Outcome h = run("hosted_g_smoke_all",
                    std::string(RVH_VP) + " --hyp --no-stdin --kernel " + quote(kSmokeAll) + " --config " +
                        quote(c.file) + " --sbi-disable dbcn --stats " + quote(hosted_stats),
                    120);
  ASSERT_EQ(h.status, 0) << h.output;
  EXPECT_NE(h.output.find("PASS: g_smoke_all"), std::string::npos) << h.output;

  std::string error;
  const json ks = parse_file(kvm_stats, error);
  ASSERT_TRUE(ks.is_object()) << error;
  const json hs = parse_file(hosted_stats, error);
  ASSERT_TRUE(hs.is_object()) << error;
  const auto kvm_regions = regions_by_name(at_key(ks, "regions"));
  const auto hosted_regions = regions_by_name(at_key(hs, "hypervisor.regions"));
  ASSERT_TRUE(kvm_regions.count("g_smoke_all")) << "no region g_smoke_all in " << kvm_stats;
  ASSERT_TRUE(hosted_regions.count("g_smoke_all")) << "no region g_smoke_all in " << hosted_stats;
  const double kvm = kvm_regions.at("g_smoke_all")["cycles"].get<double>();
  const double hosted = hosted_regions.at("g_smoke_all")["cycles"].get<double>();
  std::cout << "  g_smoke_all: KVM " << fmt(kvm) << " cycles, hosted " << fmt(hosted) << " ("
            << fmt(100 * relative_error(kvm, hosted)) << " %)\n";
  EXPECT_LE(relative_error(kvm, hosted), kWholeRun) << "g_smoke_all: KVM " << kvm << " cycles, hosted " << hosted;
}

// (d) What-if: with loads 3 times slower the host's KVM code takes longer,
// so the calibrated exit costs grow; the fit still converges.
TEST_F(Calibrations, SlowerHostCodeRaisesTheCosts) {
  const Calibration& base = defaults();
  const Calibration& slow = slower_loads();
  ASSERT_NO_FATAL_FAILURE(require(base));
  ASSERT_NO_FATAL_FAILURE(require(slow));
  EXPECT_EQ(slow.doc.value("converged", false), true) << "calibrate says it did not converge";
  EXPECT_EQ(at_key(slow.doc, "provenance.timing_config.hart.cpi.load"), 3) << "the timing model used";
  EXPECT_EQ(at_key(slow.doc, "config.hart.cpi.load"), 3) << "the configuration written";
  for (const char* key : {"hyp.sbi_call", "hyp.mmio_user"}) {
    std::cout << "  " << key << ": " << after(base, key) << " -> " << after(slow, key) << " with hart.cpi.load=3\n";
    EXPECT_GT(after(slow, key), after(base, key)) << key;
  }
}

// A missing input: one line naming it and how to get it, a non-zero exit
// and no cost file.
TEST(CalibrateErrors, MissingKernelIsNamed) {
  const std::string missing = (work_dir() / "no-such-Image").string();
  const std::string out = (work_dir() / "never_written.json").string();
  const Outcome r = run("calibrate_missing_kernel",
                    std::string(RVH_VP) + " calibrate --kvm-kernel " + quote(missing) + " --output " + quote(out), 60);
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.output.find(missing + " not found"), std::string::npos) << r.output;
  EXPECT_FALSE(fs::exists(out));
}

}  // namespace
