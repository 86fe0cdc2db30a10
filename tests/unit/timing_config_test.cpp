// tests/unit/timing_config_test.cpp: the timing configuration
// (platform/timing_config.h): keys, --set parsing, JSON files (nested,
// dotted, a stats report), linked defaults and the errors a user sees.
#include <cstdio>
#include <fstream>
#include <map>
#include <set>

#include <gtest/gtest.h>

#include "platform/timing_config.h"
#include "periph_test_util.h"  // sc_main for the SystemC library the platform links

using rvh::ConfigError;
using rvh::TimingConfig;

namespace {

std::string temp_file(const std::string& text) {
  char name[] = "/tmp/rvh_cfg_XXXXXX";
  const int fd = mkstemp(name);
  EXPECT_GE(fd, 0);
  std::FILE* f = fdopen(fd, "w");
  std::fputs(text.c_str(), f);
  std::fclose(f);
  return name;
}

std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const ConfigError& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST(TimingConfig, DefaultsAreTheDocumentedOnes) {
  TimingConfig c = rvh::resolve_config("", "", {});
  EXPECT_EQ(c.hart_clock_hz, 1'000'000'000u);
  EXPECT_EQ(c.quantum_ns, 1000u);
  EXPECT_EQ(c.quantum_insns, 10000u);
  EXPECT_EQ(c.bus_latency_ns, 5u);
  EXPECT_EQ(c.timebase_hz, 10'000'000u);
  EXPECT_EQ(c.hyp.csr_access, 4u);   // = hart.cpi.csr
  EXPECT_EQ(c.hyp.gpr_save, 1u);     // = hart.cpi.store
  EXPECT_EQ(c.hyp.world_switch(), 60u + 62u * 1u + 24u * 4u);
}

TEST(TimingConfig, SetParsesIntegersHexAndFrequencies) {
  TimingConfig c = rvh::resolve_config("", "",
                                       {"hyp.sbi_call=300", "hart.cpi.div=0x20", "hart.clock_hz=1.5GHz",
                                        "clint.timebase_hz=25MHz", "sim.quantum_ns=250"});
  EXPECT_EQ(c.hyp.sbi_call, 300u);
  EXPECT_EQ(c.cpi.of(rvh::InsnClass::kDiv), 32u);
  EXPECT_EQ(c.hart_clock_hz, 1'500'000'000u);
  EXPECT_EQ(c.timebase_hz, 25'000'000u);
  EXPECT_EQ(c.quantum_ns, 250u);
}

TEST(TimingConfig, LaterAssignmentsWin) {
  TimingConfig c = rvh::resolve_config("", "", {"hyp.redirect=1", "hyp.redirect=2"});
  EXPECT_EQ(c.hyp.redirect, 2u);
}

TEST(TimingConfig, WorldSwitchFollowsTheHartsCsrAndStoreCosts) {
  TimingConfig c = rvh::resolve_config("", "", {"hart.cpi.csr=10", "hart.cpi.store=3"});
  EXPECT_EQ(c.hyp.csr_access, 10u);
  EXPECT_EQ(c.hyp.gpr_save, 3u);
  EXPECT_EQ(c.hyp.world_switch(), 60u + 62u * 3u + 24u * 10u);
  // Set on its own, the hypervisor's value is kept.
  TimingConfig d = rvh::resolve_config("", "", {"hart.cpi.csr=10", "hyp.csr_access=7"});
  EXPECT_EQ(d.hyp.csr_access, 7u);
}

TEST(TimingConfig, FileNestedAndDottedKeys) {
  const std::string path = temp_file(R"({"hart": {"cpi": {"mul": 5}}, "hyp.mmio_user": 5000, "ram": {"dmi_read_ns": 3}})");
  TimingConfig c = rvh::resolve_config(path, "", {"hyp.mmio_user=4000"});
  EXPECT_EQ(c.cpi.of(rvh::InsnClass::kMul), 5u);
  EXPECT_EQ(c.hyp.mmio_user, 4000u);  // --set comes after the file
  EXPECT_EQ(c.ram_dmi_read_ns, 3u);
  std::remove(path.c_str());
}

TEST(TimingConfig, DumpLoadsBackToTheSameConfiguration) {
  TimingConfig a = rvh::resolve_config("", "", {"hart.cpi.csr=9", "hyp.gstage_map=2222", "bus.latency_ns=7"});
  const std::string path = temp_file(rvh::config_to_json(a).dump());
  TimingConfig b = rvh::resolve_config(path, "", {});
  EXPECT_EQ(rvh::config_to_json(a), rvh::config_to_json(b));
  std::remove(path.c_str());
}

TEST(TimingConfig, StatsReportGivesItsRecordedConfiguration) {
  TimingConfig a = rvh::resolve_config("", "", {"hyp.sbi_call=171"});
  nlohmann::json report = {{"schema", "rvh-vp-stats/2"}, {"config", rvh::config_to_json(a)}};
  const std::string path = temp_file(report.dump());
  EXPECT_EQ(rvh::resolve_config(path, "", {}).hyp.sbi_call, 171u);
  std::remove(path.c_str());
  const std::string old = temp_file(R"({"schema": "rvh-vp-stats/1", "instructions": 5})");
  EXPECT_NE(error_of([&] { rvh::resolve_config(old, "", {}); }).find("no \"config\""), std::string::npos);
  std::remove(old.c_str());
}

TEST(TimingConfig, CalibrationFileGivesItsConfiguration) {
  // The output of `rvh-vp calibrate` (platform/calibrate_cmd.cpp) is a --config file.
  TimingConfig a = rvh::resolve_config("", "", {"hyp.sbi_call=812", "hyp.gstage_map=9000"});
  nlohmann::json file = {{"schema", "rvh-vp-calibration/1"},
                         {"config", rvh::config_to_json(a)},
                         {"costs", nlohmann::json::array()},
                         {"provenance", {{"date", "2026-12-06T00:00:00Z"}}}};
  const std::string path = temp_file(file.dump());
  const TimingConfig b = rvh::resolve_config(path, "", {});
  EXPECT_EQ(b.hyp.sbi_call, 812u);
  EXPECT_EQ(b.hyp.gstage_map, 9000u);
  std::remove(path.c_str());
  const std::string empty = temp_file(R"({"schema": "rvh-vp-calibration/1", "costs": []})");
  EXPECT_NE(error_of([&] { rvh::resolve_config(empty, "", {}); }).find("this calibration has no \"config\""),
            std::string::npos);
  std::remove(empty.c_str());
}

TEST(TimingConfig, HypCostsFileIsUnderHyp) {
  // world_switch may repeat the derived value (60 + 62 x 1 + 24 x 4), as a dump does.
  const std::string path = temp_file(R"({"sbi_call": 999, "world_switch": 218})");
  TimingConfig c = rvh::resolve_config("", path, {});
  EXPECT_EQ(c.hyp.sbi_call, 999u);
  std::remove(path.c_str());
  const std::string stale = temp_file(R"({"sbi_call": 999, "world_switch": 1})");
  EXPECT_EQ(error_of([&] { rvh::resolve_config("", stale, {}); }),
            stale + ": hyp.world_switch: 1 is not the derived value 218 (switch_fixed + switch_gprs x gpr_save + "
                    "switch_csrs x csr_access); remove it, or set those keys instead");
  std::remove(stale.c_str());
}

TEST(TimingConfig, ErrorsNameTheKeyAndTheFix) {
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.nonsense=1"}); }).find("unknown configuration key 'hyp.nonsense'"),
            std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.world_switch=1"}); }).find("derived"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.sbi_call=-1"}); }).find("bad value"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hart.cpi.alu=70000"}); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"sim.quantum_ns=0"}); }).find("out of range"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"noequals"}); }).find("expected KEY=VALUE"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("/nonexistent/x.json", "", {}); }).find("cannot read"), std::string::npos);
  const std::string broken = temp_file("{\"hart\": ");
  EXPECT_NE(error_of([&] { rvh::resolve_config(broken, "", {}); }).find("not valid JSON"), std::string::npos);
  std::remove(broken.c_str());
  const std::string wrong_type = temp_file(R"({"hyp": {"sbi_call": true}})");
  EXPECT_EQ(error_of([&] { rvh::resolve_config(wrong_type, "", {}); }),
            wrong_type + ": hyp.sbi_call: expected a number of cycles (0..1000000), got true");
  std::remove(wrong_type.c_str());
}

TEST(TimingConfig, EveryKeyIsDocumentedAndDumped) {
  TimingConfig c = rvh::resolve_config("", "", {});
  const nlohmann::json j = rvh::config_to_json(c);
  for (const auto& k : rvh::config_keys(c)) {
    EXPECT_FALSE(k.doc.empty()) << k.key;
    std::string ptr = "/" + k.key;
    for (char& ch : ptr) if (ch == '.') ch = '/';
    EXPECT_TRUE(j.contains(nlohmann::json::json_pointer(ptr))) << k.key;
  }
}

// --- Ranges (docs/timing.md "Ranges"): every key, at its limits and one past. ---

namespace {

struct Range {
  std::string key;
  uint64_t min, max;
};

// The documented ranges. A cost is charged per instruction, access or exit,
// so each is bounded to keep the 64-bit cycle and picosecond counters from
// overflowing (issue 10, defect 7).
std::vector<Range> documented_ranges() {
  std::vector<Range> r = {{"hart.clock_hz", 1'000'000, 1'000'000'000'000}};
  for (const char* cls : {"alu", "mul", "div", "load", "store", "branch", "jump", "csr", "system", "atomic", "fpu_add",
                          "fpu_mul", "fpu_fma", "fpu_div", "fpu_sqrt", "fpu_misc", "fence"})
    r.push_back({std::string("hart.cpi.") + cls, 1, 1000});
  r.push_back({"hart.cpi.branch_taken_penalty", 0, 1000});
  r.push_back({"hart.cpi.pte_read", 0, 1000});
  r.push_back({"hart.cpi.trap_entry", 1, 1000});
  r.push_back({"sim.quantum_ns", 1, 1'000'000'000});
  r.push_back({"sim.quantum_insns", 1, 1'000'000'000});
  for (const char* k : {"bus.latency_ns", "ram.read_ns", "ram.write_ns", "ram.dmi_read_ns", "ram.dmi_write_ns",
                        "rom.latency_ns", "clint.latency_ns", "plic.latency_ns", "uart.latency_ns",
                        "finisher.latency_ns"})
    r.push_back({k, 0, 1'000'000});
  r.push_back({"clint.timebase_hz", 1, 1'000'000'000});
  r.push_back({"hyp.gpr_save", 0, 1000});
  r.push_back({"hyp.csr_access", 0, 1000});
  r.push_back({"hyp.switch_gprs", 0, 1000});
  r.push_back({"hyp.switch_csrs", 0, 1000});
  for (const char* k : {"switch_fixed", "sbi_call", "sbi_ipi", "sbi_rfence", "sbi_hsm", "sbi_console", "csr_emulation",
                        "wfi", "wfi_wakeup", "redirect", "insn_fetch", "mmio_kernel", "mmio_user", "gstage_map",
                        "host_interrupt", "ipi_delivery", "vcpu_switch", "vm_switch", "gstage_flush", "virtio_request",
                        "virtio_per_kib", "assigned_irq"})
    r.push_back({std::string("hyp.") + k, 0, 1'000'000});
  r.push_back({"hyp.time_slice_ns", 1000, 1'000'000'000});
  r.push_back({"hyp.vmid_bits", 0, 14});
  r.push_back({"hyp.virtio_event_idx", 0, 1});
  return r;
}

uint64_t value_of(const TimingConfig& c, const std::string& key) {
  for (const auto& k : rvh::config_keys(c))
    if (k.key == key) return k.value;
  ADD_FAILURE() << "no key " << key;
  return 0;
}

// A --config file setting `key` (dotted) to the JSON text `value`.
std::string config_with(const std::string& key, const std::string& value) {
  return temp_file("{\"" + key + "\": " + value + "}");
}

std::string file_error(const std::string& json_text) {
  const std::string path = temp_file(json_text);
  std::string e = error_of([&] { rvh::resolve_config(path, "", {}); });
  const size_t at = e.find(path);
  if (at == 0) e = "F" + e.substr(path.size());  // "F: ..." whatever the temporary name
  std::remove(path.c_str());
  return e;
}

}  // namespace

TEST(TimingConfigRanges, EveryKeyHasADocumentedRange) {
  std::set<std::string> table, documented;
  for (const auto& k : rvh::config_keys(TimingConfig{})) table.insert(k.key);
  for (const auto& r : documented_ranges()) documented.insert(r.key);
  EXPECT_EQ(table, documented);
}

TEST(TimingConfigRanges, TheKeyListGivesEachRange) {
  std::map<std::string, Range> ranges;
  for (const Range& r : documented_ranges()) ranges[r.key] = r;
  for (const auto& k : rvh::config_keys(TimingConfig{})) {
    EXPECT_EQ(k.min, ranges[k.key].min) << k.key;
    EXPECT_EQ(k.max, ranges[k.key].max) << k.key;
  }
  const std::string table = rvh::config_key_table(rvh::resolve_config("", "", {"hyp.sbi_call=300"}));
  EXPECT_NE(table.find("hart.cpi.alu = 1  (range 1..1000 cycles)"), std::string::npos) << table;
  EXPECT_NE(table.find("hyp.sbi_call = 300  (default 733; range 0..1000000 cycles)"), std::string::npos);
  EXPECT_NE(table.find("bus.latency_ns = 5  (range 0..1000000 ns)"), std::string::npos);
  EXPECT_NE(table.find("hart.clock_hz = 1000000000  (range 1000000..1000000000000 Hz)"), std::string::npos);
  EXPECT_NE(table.find("hyp.switch_gprs = 62  (range 0..1000)"), std::string::npos);
}

TEST(TimingConfigRanges, SetAcceptsEachLimitAndRejectsOnePast) {
  for (const Range& r : documented_ranges()) {
    for (uint64_t v : {r.min, r.max}) {
      const std::string e = error_of([&] {
        EXPECT_EQ(value_of(rvh::resolve_config("", "", {r.key + "=" + std::to_string(v)}), r.key), v) << r.key;
      });
      EXPECT_EQ(e, "(no error)") << r.key << "=" << v;
    }
    const std::string range = "(" + std::to_string(r.min) + ".." + std::to_string(r.max);
    const std::string above = error_of([&] { rvh::resolve_config("", "", {r.key + "=" + std::to_string(r.max + 1)}); });
    EXPECT_EQ(above.find("--set " + r.key + "=" + std::to_string(r.max + 1) + ": out of range; expected "), 0u)
        << above;
    EXPECT_NE(above.find(range), std::string::npos) << above;
    if (r.min > 0) {
      const std::string below =
          error_of([&] { rvh::resolve_config("", "", {r.key + "=" + std::to_string(r.min - 1)}); });
      EXPECT_NE(below.find(": out of range; expected "), std::string::npos) << below;
      EXPECT_NE(below.find(range), std::string::npos) << below;
    } else {
      EXPECT_NE(error_of([&] { rvh::resolve_config("", "", {r.key + "=-1"}); }).find("bad value"), std::string::npos)
          << r.key;
    }
  }
}

TEST(TimingConfigRanges, ConfigAcceptsEachLimitAndRejectsOnePast) {
  for (const Range& r : documented_ranges()) {
    for (uint64_t v : {r.min, r.max}) {
      const std::string path = config_with(r.key, std::to_string(v));
      const std::string e = error_of([&] { EXPECT_EQ(value_of(rvh::resolve_config(path, "", {}), r.key), v) << r.key; });
      EXPECT_EQ(e, "(no error)") << r.key << "=" << v;
      std::remove(path.c_str());
    }
    const std::string range = "(" + std::to_string(r.min) + ".." + std::to_string(r.max);
    const std::string above = file_error("{\"" + r.key + "\": " + std::to_string(r.max + 1) + "}");
    EXPECT_EQ(above.find("F: " + r.key + ": out of range; expected "), 0u) << above;
    EXPECT_NE(above.find(range), std::string::npos) << above;
    EXPECT_NE(above.find("got " + std::to_string(r.max + 1)), std::string::npos) << above;
    const std::string below = file_error("{\"" + r.key + "\": " + std::to_string(static_cast<int64_t>(r.min) - 1) + "}");
    EXPECT_EQ(below.find("F: " + r.key + ": out of range; expected "), 0u) << below;
  }
}

// The reproducers of issue 10, defect 7.
TEST(TimingConfigRanges, ValuesThatOverflowedTheCountersAreRejected) {
  EXPECT_EQ(error_of([] { rvh::resolve_config("", "", {"hyp.mmio_user=18446744073709551615"}); }),
            "--set hyp.mmio_user=18446744073709551615: out of range; expected a number of cycles (0..1000000)");
  EXPECT_EQ(error_of([] { rvh::resolve_config("", "", {"bus.latency_ns=18446744073709551615"}); }),
            "--set bus.latency_ns=18446744073709551615: out of range; expected a number of nanoseconds (0..1000000)");
  EXPECT_EQ(error_of([] { rvh::resolve_config("", "", {"hyp.sbi_call=9223372036854775808"}); }),
            "--set hyp.sbi_call=9223372036854775808: out of range; expected a number of cycles (0..1000000)");
  // Beyond 64 bits is out of range too, not a malformed number.
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hyp.wfi=99999999999999999999999"}); }).find("out of range"),
            std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hart.clock_hz=20000GHz"}); }).find("out of range"),
            std::string::npos);
  EXPECT_EQ(error_of([] { rvh::resolve_config("", "", {"hart.clock_hz=fast"}); }),
            "--set hart.clock_hz=fast: bad value; expected a frequency in Hz (1000000..1000000000000, or e.g. "
            "1.5GHz) as a decimal or 0x-hex integer");
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hart.clock_hz=1.5Hz"}); }).find("bad value"), std::string::npos);
  EXPECT_NE(error_of([] { rvh::resolve_config("", "", {"hart.clock_hz=nanMHz"}); }).find("bad value"), std::string::npos);
}

// What docs/timing.md promises: with every key at its limit and the slowest
// clock, one exit (a world switch and a few handlers) stays under 7 s of
// simulated time, so the 2^64-ps counters hold more than 2.6 million of them.
TEST(TimingConfigRanges, AnExitAtTheLimitsFitsTheCountersMillionsOfTimes) {
  std::vector<std::string> sets;
  for (const Range& r : documented_ranges()) sets.push_back(r.key + "=" + std::to_string(r.max));
  sets.push_back("hart.clock_hz=1000000");
  const TimingConfig c = rvh::resolve_config("", "", sets);
  EXPECT_EQ(c.hyp.world_switch(), 3'000'000u);
  const uint64_t exit_cycles = c.hyp.world_switch() + 4 * c.hyp.mmio_user;  // 7e6
  const uint64_t period_ps = 1'000'000'000'000ull / c.hart_clock_hz;         // 1 us
  const unsigned __int128 exit_ps = static_cast<unsigned __int128>(exit_cycles) * period_ps;
  EXPECT_LE(exit_ps, static_cast<unsigned __int128>(7'000'000'000'000ull));
  EXPECT_GT(~0ull / static_cast<uint64_t>(exit_ps), 2'600'000u);
}

// --- Config files (issue 10, defect 8): what a file may hold, errors in our words. ---

TEST(TimingConfigFile, TextAfterTheJsonValueIsAnError) {
  EXPECT_EQ(file_error("{} trailing garbage"),
            "F: not valid JSON at line 1, column 4: text after the end of the JSON value ('trailing garbage'); "
            "a configuration file holds one JSON object");
  EXPECT_EQ(file_error("{\"hyp\": {\"wfi\": 5}}\n}\n"),
            "F: not valid JSON at line 2, column 1: text after the end of the JSON value ('}'); "
            "a configuration file holds one JSON object");
}

TEST(TimingConfigFile, AValueOfTheWrongTypeNamesTheKeyAndTheExpectedType) {
  EXPECT_EQ(file_error(R"({"hart":{"cpi":{"alu":{}}}})"),
            "F: hart.cpi.alu: expected a number of cycles (1..1000), got an object");
  EXPECT_EQ(file_error(R"({"hyp.mmio_user": [1]})"),
            "F: hyp.mmio_user: expected a number of cycles (0..1000000), got an array");
  EXPECT_EQ(file_error(R"({"sim": {"quantum_ns": null}})"),
            "F: sim.quantum_ns: expected a number of nanoseconds (1..1000000000), got null");
  EXPECT_EQ(file_error(R"({"hart": 5})"), "F: hart: expected an object of hart.* keys, got 5");
  EXPECT_EQ(file_error("[1, 2]"), "F: expected a JSON object of configuration keys, got an array");
}

TEST(TimingConfigFile, StringsOnlyForFrequencies) {
  EXPECT_EQ(file_error(R"({"bus": {"latency_ns": "5"}})"),
            "F: bus.latency_ns: expected a number of nanoseconds (0..1000000), got a string (\"5\")");
  EXPECT_EQ(file_error(R"({"hyp.sbi_call": "0x10"})"),
            "F: hyp.sbi_call: expected a number of cycles (0..1000000), got a string (\"0x10\")");
  const std::string path = temp_file(R"({"hart": {"clock_hz": "2GHz"}, "clint.timebase_hz": "25MHz"})");
  TimingConfig c = rvh::resolve_config(path, "", {});
  EXPECT_EQ(c.hart_clock_hz, 2'000'000'000u);
  EXPECT_EQ(c.timebase_hz, 25'000'000u);
  std::remove(path.c_str());
  EXPECT_EQ(file_error(R"({"hart.clock_hz": "fast"})"),
            "F: hart.clock_hz: expected a frequency in Hz (1000000..1000000000000, or e.g. 1.5GHz), got a string "
            "(\"fast\")");
  EXPECT_EQ(file_error(R"({"hart.clock_hz": "5GHzz"})").find("F: hart.clock_hz: expected a frequency"), 0u);
}

TEST(TimingConfigFile, NegativeAndFractionalNumbersAreErrors) {
  EXPECT_EQ(file_error(R"({"hyp": {"sbi_call": -1}})"),
            "F: hyp.sbi_call: out of range; expected a number of cycles (0..1000000), got -1");
  EXPECT_EQ(file_error(R"({"hart": {"cpi": {"div": 2.5}}})"),
            "F: hart.cpi.div: not a whole number; expected a number of cycles (1..1000), got 2.5");
  EXPECT_EQ(file_error(R"({"hyp.sbi_call": 1e300})"),
            "F: hyp.sbi_call: out of range; expected a number of cycles (0..1000000), got 1e+300");
  // A whole number written with an exponent is a number like any other.
  const std::string path = temp_file(R"({"hart.clock_hz": 2e9, "hart.cpi.div": 30.0})");
  TimingConfig c = rvh::resolve_config(path, "", {});
  EXPECT_EQ(c.hart_clock_hz, 2'000'000'000u);
  EXPECT_EQ(c.cpi.of(rvh::InsnClass::kDiv), 30u);
  std::remove(path.c_str());
}

TEST(TimingConfigFile, WorldSwitchOnlyAsDerived) {
  // --set rejects the derived key; a file may only repeat its derived value.
  EXPECT_EQ(file_error(R"({"hyp": {"world_switch": -1}})"),
            "F: hyp.world_switch: -1 is not the derived value 218 (switch_fixed + switch_gprs x gpr_save + "
            "switch_csrs x csr_access); remove it, or set those keys instead");
  EXPECT_EQ(file_error(R"({"hyp": {"world_switch": "218"}})").find("F: hyp.world_switch: a string (\"218\") is not"),
            0u);
  // Derived from the file's own keys: switch_fixed 100 makes it 258.
  EXPECT_NE(file_error(R"({"hyp": {"switch_fixed": 100, "world_switch": 218}})").find("not the derived value 258"),
            std::string::npos);
  const std::string path = temp_file(R"({"hyp": {"switch_fixed": 100, "world_switch": 258}})");
  EXPECT_EQ(rvh::resolve_config(path, "", {}).hyp.switch_fixed, 100u);
  std::remove(path.c_str());
}

TEST(TimingConfigFile, UnknownAndRepeatedKeys) {
  EXPECT_EQ(file_error(R"({"hart": {"cpi": {"nope": 1}}})"),
            "F: unknown configuration key 'hart.cpi.nope'; keys start with hart., sim., bus., ram., rom., clint., "
            "plic., uart., finisher., hyp. (rvh-vp --help-config lists them all)");
  EXPECT_EQ(file_error(R"({"hyp": {"sbi_call": 1, "sbi_call": 2}})"), "F: hyp.sbi_call: given twice");
  EXPECT_EQ(file_error(R"({"hyp.sbi_call": 1, "hyp": {"sbi_call": 2}})"),
            "F: hyp.sbi_call: given twice (nested and dotted, or repeated)");
  // A key with a newline stays one line in the message.
  EXPECT_EQ(file_error(R"({"a\nb": 1})").find('\n'), std::string::npos);
}

TEST(TimingConfigFile, SyntaxErrorsGiveLineAndColumnInOurWords) {
  EXPECT_EQ(file_error("{\n  \"hart\": tru\n}\n"), "F: not valid JSON at line 2, column 11: unexpected 'tru'");
  EXPECT_EQ(file_error("{\"hart\": "),
            "F: not valid JSON at line 1, column 10: the file ends inside the JSON value (a missing value, '}' or ']')");
  EXPECT_EQ(file_error("  \n"), "F: empty; expected a JSON object of configuration keys");
  EXPECT_EQ(file_error("{\"hyp.wfi\": 12x}"), "F: not valid JSON at line 1, column 13: unexpected '12x'");
  EXPECT_EQ(file_error("{\"hyp.wfi\": 1e999}").find("F: not valid JSON"), 0u);
  for (const char* text : {"{", "}", "{\"a\" 1}", "{\"a\":\x01}", "\xff", "{\"a\": \"\xc3\"}", "{\"a\": 1,}"}) {
    const std::string e = file_error(text);
    EXPECT_EQ(e.find("F: "), 0u) << e;
    EXPECT_EQ(e.find("json.exception"), std::string::npos) << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
}

TEST(TimingConfigFile, DirectoriesAndUnreadableFiles) {
  EXPECT_EQ(error_of([] { rvh::resolve_config("/tmp", "", {}); }),
            "/tmp: is a directory; give a JSON configuration file");
  // Opens, but reading fails (EIO).
  EXPECT_EQ(error_of([] { rvh::resolve_config("/proc/self/mem", "", {}); }),
            "/proc/self/mem: cannot read configuration file (Input/output error)");
  EXPECT_EQ(error_of([] { rvh::resolve_config("/nonexistent/x.json", "", {}); }),
            "/nonexistent/x.json: cannot read configuration file (No such file or directory)");
  EXPECT_EQ(error_of([] { rvh::resolve_config("", "/tmp", {}); }), "/tmp: is a directory; give a JSON hypervisor cost file");
}
