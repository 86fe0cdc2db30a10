// platform/timing_config.cpp: see timing_config.h. One table of keys, each
// with a documentation line and a reference to its field, serves the parser,
// the JSON dump and the documentation, so they cannot disagree.
#include "platform/timing_config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <limits>
#include <sstream>

namespace rvh {
namespace {

// Ranges (docs/timing.md "Ranges"). Simulated time is SystemC's sc_time: a
// uint64 count of picoseconds (the default resolution), 2^64 ps = 213 days.
// A cycle lasts 10^12 / hart.clock_hz ps, at least 1 ps, so the uint64
// cycle counter never reaches 2^64 before the time does. Each limit bounds
// what one instruction, access or hypervisor exit can add, so that no
// charge or conversion overflows and a run reaches the end of SystemC time
// only after millions of worst-case exits (hundreds of millions of
// worst-case instructions); at the defaults, after 213 days of simulated time.
constexpr uint64_t kMinClockHz = 1'000'000;          // a cycle is at most 1 us
constexpr uint64_t kMaxClockHz = 1'000'000'000'000;  // a cycle is at least 1 ps, the time resolution
constexpr uint64_t kMaxCpi = 1000;                   // cycles per instruction class, penalty, trap, PTE read
constexpr uint64_t kMaxQuantumNs = 1'000'000'000;    // 1 s of run-ahead
constexpr uint64_t kMaxQuantumInsns = 1'000'000'000;
constexpr uint64_t kMaxLatencyNs = 1'000'000;        // 1 ms per access: 10^4 x a DRAM access
constexpr uint64_t kMaxTimebaseHz = 1'000'000'000;   // fits the device tree's 32-bit timebase-frequency
constexpr uint64_t kMaxHypCost = 1'000'000;          // cycles per handler: 300 x the dearest default
constexpr uint64_t kMaxSwitchCount = 1000;           // registers saved and restored per world switch

enum class Unit { kCycles, kNs, kHz, kInsns, kCount };

const char* unit_name(Unit u) {
  switch (u) {
    case Unit::kCycles: return "cycles";
    case Unit::kNs: return "ns";
    case Unit::kHz: return "Hz";
    case Unit::kInsns: return "instructions";
    case Unit::kCount: break;
  }
  return "";
}

struct Key {
  std::string name;
  std::string doc;
  Unit unit;
  uint64_t min;
  uint64_t max;
  std::function<uint64_t&(TimingConfig&)> field64;    // uint64_t fields
  std::function<uint16_t&(TimingConfig&)> field16;    // uint16_t fields (CPI table)
  std::function<unsigned&(TimingConfig&)> field32;    // unsigned fields (counts)

  uint64_t get(const TimingConfig& c) const {
    auto& m = const_cast<TimingConfig&>(c);
    if (field64) return field64(m);
    if (field16) return field16(m);
    return field32(m);
  }
  // `v` is within [min, max], which fits the field.
  void set(TimingConfig& c, uint64_t v) const {
    if (field64) field64(c) = v;
    else if (field16) field16(c) = static_cast<uint16_t>(v);
    else field32(c) = static_cast<unsigned>(v);
  }
  bool is_hz() const { return unit == Unit::kHz; }
};

Key k64(std::string name, std::string doc, uint64_t TimingConfig::*member, Unit unit, uint64_t min, uint64_t max) {
  Key k{std::move(name), std::move(doc), unit, min, max, {}, {}, {}};
  k.field64 = [member](TimingConfig& c) -> uint64_t& { return c.*member; };
  return k;
}

Key klatency(std::string name, std::string doc, uint64_t TimingConfig::*member) {
  return k64(std::move(name), std::move(doc), member, Unit::kNs, 0, kMaxLatencyNs);
}

Key kcpi(std::string name, std::string doc, uint16_t CpiTable::*member, uint64_t min) {
  Key k{"hart.cpi." + name, std::move(doc), Unit::kCycles, min, kMaxCpi, {}, {}, {}};
  k.field16 = [member](TimingConfig& c) -> uint16_t& { return c.cpi.*member; };
  return k;
}

Key khyp(std::string name, std::string doc, uint64_t hyp::HypCosts::*member, uint64_t max = kMaxHypCost) {
  Key k{"hyp." + name, std::move(doc), Unit::kCycles, 0, max, {}, {}, {}};
  k.field64 = [member](TimingConfig& c) -> uint64_t& { return c.hyp.*member; };
  return k;
}

Key khyp_count(std::string name, std::string doc, unsigned hyp::HypCosts::*member) {
  Key k{"hyp." + name, std::move(doc), Unit::kCount, 0, kMaxSwitchCount, {}, {}, {}};
  k.field32 = [member](TimingConfig& c) -> unsigned& { return c.hyp.*member; };
  return k;
}

const char* cpi_doc(InsnClass cls) {
  switch (cls) {
    case InsnClass::kAlu: return "cycles per integer ALU instruction (incl. lui, auipc, shifts)";
    case InsnClass::kMul: return "cycles per multiply";
    case InsnClass::kDiv: return "cycles per divide / remainder";
    case InsnClass::kLoad: return "cycles per load, plus the memory latency";
    case InsnClass::kStore: return "cycles per store, plus the memory latency";
    case InsnClass::kBranch: return "cycles per conditional branch (not taken)";
    case InsnClass::kJump: return "cycles per jal / jalr";
    case InsnClass::kCsr: return "cycles per CSR instruction";
    case InsnClass::kSystem: return "cycles per ecall, ebreak, xret, wfi, fence.i, sfence/hfence";
    case InsnClass::kAtomic: return "cycles per LR/SC/AMO, plus the memory latency";
    case InsnClass::kFpuAdd: return "cycles per FP add/subtract";
    case InsnClass::kFpuMul: return "cycles per FP multiply";
    case InsnClass::kFpuFma: return "cycles per FP fused multiply-add";
    case InsnClass::kFpuDiv: return "cycles per FP divide";
    case InsnClass::kFpuSqrt: return "cycles per FP square root";
    case InsnClass::kFpuMisc: return "cycles per FP move, sign injection, compare, classify, convert";
    case InsnClass::kFence: return "cycles per fence";
    case InsnClass::kCount: break;
  }
  return "";
}

const std::vector<Key>& keys() {
  static const std::vector<Key> table = [] {
    std::vector<Key> t;
    t.push_back(k64("hart.clock_hz", "hart clock: cycles to simulated time", &TimingConfig::hart_clock_hz, Unit::kHz,
                    kMinClockHz, kMaxClockHz));
    // Every instruction takes at least a cycle, so simulated time advances
    // whatever a program does.
    for (size_t i = 0; i < static_cast<size_t>(InsnClass::kCount); ++i) {
      const auto cls = static_cast<InsnClass>(i);
      Key k{std::string("hart.cpi.") + CpiTable::name(cls), cpi_doc(cls), Unit::kCycles, 1, kMaxCpi, {}, {}, {}};
      k.field16 = [i](TimingConfig& c) -> uint16_t& { return c.cpi.cycles[i]; };
      t.push_back(k);
    }
    t.push_back(kcpi("branch_taken_penalty", "extra cycles for a taken branch", &CpiTable::branch_taken_penalty, 0));
    t.push_back(kcpi("pte_read", "cycles per page-table entry the MMU reads on a TLB miss (both stages), "
                     "plus the memory latency", &CpiTable::pte_read_cycles, 0));
    t.push_back(kcpi("trap_entry", "cycles to take a trap or interrupt (redirecting the pipeline)",
                     &CpiTable::trap_entry_cycles, 1));
    t.push_back(k64("sim.quantum_ns", "global TLM quantum: how far a hart runs ahead of SystemC time",
                    &TimingConfig::quantum_ns, Unit::kNs, 1, kMaxQuantumNs));
    t.push_back(k64("sim.quantum_insns", "at most this many instructions between synchronisation checks",
                    &TimingConfig::quantum_insns, Unit::kInsns, 1, kMaxQuantumInsns));
    t.push_back(klatency("bus.latency_ns", "bus latency added to every b_transport access (not to DMI)",
                         &TimingConfig::bus_latency_ns));
    t.push_back(klatency("ram.read_ns", "RAM read latency through b_transport", &TimingConfig::ram_read_ns));
    t.push_back(klatency("ram.write_ns", "RAM write latency through b_transport", &TimingConfig::ram_write_ns));
    t.push_back(klatency("ram.dmi_read_ns", "RAM read latency granted with DMI (the harts' loads and fetches)",
                         &TimingConfig::ram_dmi_read_ns));
    t.push_back(klatency("ram.dmi_write_ns", "RAM write latency granted with DMI (the harts' stores)",
                         &TimingConfig::ram_dmi_write_ns));
    t.push_back(klatency("rom.latency_ns", "boot ROM access latency", &TimingConfig::rom_latency_ns));
    t.push_back(klatency("clint.latency_ns", "CLINT register access latency", &TimingConfig::clint_latency_ns));
    t.push_back(k64("clint.timebase_hz", "mtime frequency (also the device tree's timebase-frequency)",
                    &TimingConfig::timebase_hz, Unit::kHz, 1, kMaxTimebaseHz));
    t.push_back(klatency("plic.latency_ns", "PLIC register access latency", &TimingConfig::plic_latency_ns));
    t.push_back(klatency("uart.latency_ns", "16550 UART register access latency", &TimingConfig::uart_latency_ns));
    t.push_back(klatency("finisher.latency_ns", "test finisher access latency", &TimingConfig::finisher_latency_ns));

    using C = hyp::HypCosts;
    // gpr_save and csr_access default to CPI values, so they share the CPI range.
    t.push_back(khyp("gpr_save", "world switch: cycles per GPR saved or restored (default: hart.cpi.store)",
                     &C::gpr_save, kMaxCpi));
    t.push_back(khyp("csr_access", "world switch: cycles per CSR read or write (default: hart.cpi.csr)",
                     &C::csr_access, kMaxCpi));
    t.push_back(khyp("switch_fixed", "world switch: trap entry, sret and fences, both directions",
                     &C::switch_fixed));
    t.push_back(khyp_count("switch_gprs", "world switch: GPRs saved and restored (31 each way)", &C::switch_gprs));
    t.push_back(khyp_count("switch_csrs", "world switch: CSR accesses (about 12 each way)", &C::switch_csrs));
    t.push_back(khyp("sbi_call", "SBI dispatch and a simple function", &C::sbi_call));
    t.push_back(khyp("sbi_ipi", "SBI IPI, per target vCPU", &C::sbi_ipi));
    t.push_back(khyp("sbi_rfence", "SBI remote fence request", &C::sbi_rfence));
    t.push_back(khyp("sbi_hsm", "SBI HSM hart start/stop/suspend bookkeeping", &C::sbi_hsm));
    t.push_back(khyp("sbi_console", "SBI console call (plus mmio_user per byte)", &C::sbi_console));
    t.push_back(khyp("csr_emulation", "virtual-instruction CSR emulation", &C::csr_emulation));
    t.push_back(khyp("wfi", "WFI exit before the vCPU blocks", &C::wfi));
    t.push_back(khyp("wfi_wakeup", "waking a blocked vCPU", &C::wfi_wakeup));
    t.push_back(khyp("redirect", "trap redirected into the guest", &C::redirect));
    t.push_back(khyp("insn_fetch", "reading the trapping instruction with HLVX", &C::insn_fetch));
    t.push_back(khyp("mmio_kernel", "MMIO emulated in the hypervisor (virtual PLIC)", &C::mmio_kernel));
    t.push_back(khyp("mmio_user", "MMIO forwarded to the VMM side (virtual UART)", &C::mmio_user));
    t.push_back(khyp("gstage_map", "G-stage page-fault map: allocate, write PTEs, fence", &C::gstage_map));
    t.push_back(khyp("host_interrupt", "host interrupt taken while the guest ran", &C::host_interrupt));
    t.push_back(khyp("ipi_delivery", "host IPI kicking a running target vCPU out of the guest (its exit)",
                     &C::ipi_delivery));
    t.push_back(khyp("vcpu_switch", "putting another vCPU of the same VM on a hart (host context switch)",
                     &C::vcpu_switch));
    t.push_back(khyp("vm_switch", "switching a hart to a vCPU of another VM, on top of vcpu_switch",
                     &C::vm_switch));
    t.push_back(khyp("gstage_flush", "G-stage TLB flush when two VMs share a VMID (see hyp.vmid_bits)",
                     &C::gstage_flush));
    t.push_back(khyp("virtio_request", "virtio device: VMM work per request (device service time)",
                     &C::virtio_request));
    t.push_back(khyp("virtio_per_kib", "virtio device: VMM work per KiB copied (device service time)",
                     &C::virtio_per_kib));
    t.push_back(khyp("assigned_irq", "assigned device's interrupt: host claim and injection into the VM",
                     &C::assigned_irq));
    {
      Key k = khyp("time_slice_ns", "vCPU scheduler: round-robin time slice", &C::time_slice_ns, kMaxQuantumNs);
      k.unit = Unit::kNs;
      k.min = 1000;
      t.push_back(k);
      Key b{"hyp.vmid_bits", "hgatp.VMID bits in use (0: no VMIDs, a G-stage flush at every VM switch)",
            Unit::kCount, 0, 14, {}, {}, {}};
      b.field32 = [](TimingConfig& c) -> unsigned& { return c.hyp.vmid_bits; };
      t.push_back(b);
      Key e{"hyp.virtio_event_idx", "virtio devices offer VIRTIO_F_EVENT_IDX (0: a notification and an interrupt per buffer)",
            Unit::kCount, 0, 1, {}, {}, {}};
      e.field32 = [](TimingConfig& c) -> unsigned& { return c.hyp.virtio_event_idx; };
      t.push_back(e);
    }
    return t;
  }();
  return table;
}

const Key* find_key(const std::string& name) {
  for (const Key& k : keys())
    if (k.name == name) return &k;
  return nullptr;
}

// "hart", "hart.cpi", "hyp", ...: the objects a config file may nest keys in.
bool is_group(const std::string& name) {
  for (const Key& k : keys())
    if (k.name.size() > name.size() && k.name.compare(0, name.size(), name) == 0 && k.name[name.size()] == '.')
      return true;
  return false;
}

constexpr const char* kWorldSwitch = "hyp.world_switch";
constexpr const char* kWorldSwitchFormula = "switch_fixed + switch_gprs x gpr_save + switch_csrs x csr_access";

std::string known_prefixes() { return "hart., sim., bus., ram., rom., clint., plic., uart., finisher., hyp."; }

std::string where(const std::string& origin) { return origin.empty() ? "" : origin + ": "; }

// User text in a one-line message: control characters escaped, at most
// `limit` bytes (cut at a UTF-8 character boundary).
std::string printable(const std::string& s, size_t limit = 60) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    const auto ch = static_cast<unsigned char>(s[i]);
    if (out.size() >= limit && (ch & 0xc0) != 0x80) return out + "...";  // not inside a UTF-8 character
    if (ch < 0x20 || ch == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", ch);
      out += buf;
    } else {
      out += static_cast<char>(ch);
    }
  }
  return out;
}

// "a number of cycles (1..1000)": what a key takes, in the error messages.
std::string expected(const Key& k) {
  std::string what;
  switch (k.unit) {
    case Unit::kCycles: what = "a number of cycles"; break;
    case Unit::kNs: what = "a number of nanoseconds"; break;
    case Unit::kHz: what = "a frequency in Hz"; break;
    case Unit::kInsns: what = "a number of instructions"; break;
    case Unit::kCount: what = "a count"; break;
  }
  what += " (" + std::to_string(k.min) + ".." + std::to_string(k.max);
  if (k.is_hz()) what += ", or e.g. 1.5GHz";
  return what + ")";
}

// What a JSON value is, for "got ...".
std::string describe(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::object: return "an object";
    case nlohmann::json::value_t::array: return "an array";
    case nlohmann::json::value_t::string: return "a string (\"" + printable(v.get<std::string>()) + "\")";
    default: return v.dump();
  }
}

[[noreturn]] void unknown_key(const std::string& name, const std::string& origin) {
  if (name == kWorldSwitch)
    throw ConfigError(where(origin) + "hyp.world_switch is derived (" + kWorldSwitchFormula + "); set those instead");
  throw ConfigError(where(origin) + "unknown configuration key '" + printable(name) + "'; keys start with " +
                    known_prefixes() + " (rvh-vp --help-config lists them all)");
}

void set_explicitly(TimingConfig& c, const Key& k, uint64_t v) {
  k.set(c, v);
  c.explicit_keys.insert(k.name);
}

bool in_range(const Key& k, uint64_t v) { return v >= k.min && v <= k.max; }

constexpr uint64_t kTooLarge = std::numeric_limits<uint64_t>::max();  // out of every key's range

// Decimal or 0x-hex; for *_hz keys a decimal number with a unit suffix
// (1.5GHz, 25MHz, 32kHz) too. A number too large for 64 bits gives
// kTooLarge. False if `text` is not a number of that form.
bool parse_value(const Key& key, const std::string& text, uint64_t& out) {
  std::string s = text;
  if (key.is_hz()) {
    std::string lower;
    for (char ch : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    double scale = 1;
    for (auto [suffix, mult] : {std::pair<const char*, double>{"ghz", 1e9}, {"mhz", 1e6}, {"khz", 1e3}, {"hz", 1}}) {
      const std::string suf = suffix;
      if (lower.size() > suf.size() && lower.compare(lower.size() - suf.size(), suf.size(), suf) == 0) {
        s = s.substr(0, s.size() - suf.size());
        scale = mult;
        break;
      }
    }
    if (scale != 1 || s.find('.') != std::string::npos) {
      // Digits with at most one '.', nothing else (no sign, exponent, space).
      if (s.empty() || s.find_first_not_of("0123456789.") != std::string::npos ||
          s.find('.') != s.rfind('.') || s == ".")
        return false;
      const double v = std::strtod(s.c_str(), nullptr) * scale;
      if (v >= 18446744073709551616.0) {
        out = kTooLarge;
        return true;
      }
      if (v != std::floor(v)) return false;  // a fraction of a hertz
      out = static_cast<uint64_t>(v);
      return true;
    }
  }
  if (s.empty()) return false;
  int base = 10;
  size_t i = 0;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) base = 16, i = 2;
  unsigned __int128 v = 0;
  for (; i < s.size(); ++i) {
    const char ch = s[i];
    unsigned d;
    if (ch >= '0' && ch <= '9') d = ch - '0';
    else if (base == 16 && std::isxdigit(static_cast<unsigned char>(ch))) d = std::tolower(ch) - 'a' + 10;
    else return false;
    v = v * base + d;
    if (v > std::numeric_limits<uint64_t>::max()) v = static_cast<unsigned __int128>(kTooLarge) + 1;  // keep scanning
  }
  out = v > std::numeric_limits<uint64_t>::max() ? kTooLarge : static_cast<uint64_t>(v);
  return true;
}

// One JSON source (a --config file, a --hyp-costs file) being applied.
struct JsonSource {
  TimingConfig& c;
  std::string origin;
  std::set<std::string> seen;            // keys set, however spelled (nested or dotted)
  const nlohmann::json* world_switch = nullptr;
};

// A JSON value for key `k`: a whole number in range, or for *_hz keys a
// string --set would take.
uint64_t json_value(const JsonSource& src, const Key& k, const nlohmann::json& v) {
  const std::string at = where(src.origin) + k.name + ": ";
  uint64_t out = 0;
  if (v.is_number_unsigned()) {
    out = v.get<uint64_t>();
  } else if (v.is_number_integer()) {  // negative
    throw ConfigError(at + "out of range; expected " + expected(k) + ", got " + v.dump());
  } else if (v.is_number_float()) {
    const double d = v.get<double>();
    if (std::isfinite(d) && d != std::floor(d))
      throw ConfigError(at + "not a whole number; expected " + expected(k) + ", got " + v.dump());
    if (!(d >= static_cast<double>(k.min) && d <= static_cast<double>(k.max)))
      throw ConfigError(at + "out of range; expected " + expected(k) + ", got " + v.dump());
    out = static_cast<uint64_t>(d);
  } else if (v.is_string() && k.is_hz()) {
    if (!parse_value(k, v.get<std::string>(), out))
      throw ConfigError(at + "expected " + expected(k) + ", got " + describe(v));
  } else {
    throw ConfigError(at + "expected " + expected(k) + ", got " + describe(v));
  }
  if (!in_range(k, out)) throw ConfigError(at + "out of range; expected " + expected(k) + ", got " + describe(v));
  return out;
}

void apply_node(JsonSource& src, const nlohmann::json& j, const std::string& prefix) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    const nlohmann::json& v = it.value();
    const Key* k = find_key(name);
    if (!k && is_group(name)) {
      if (!v.is_object())
        throw ConfigError(where(src.origin) + printable(name) + ": expected an object of " + printable(name) +
                          ".* keys, got " + describe(v));
      apply_node(src, v, name);
      continue;
    }
    if (!src.seen.insert(name).second)
      throw ConfigError(where(src.origin) + printable(name) + ": given twice (nested and dotted, or repeated)");
    if (name == kWorldSwitch) {  // derived: checked once the whole source is applied
      src.world_switch = &v;
      continue;
    }
    if (!k) unknown_key(name, src.origin);
    set_explicitly(src.c, *k, json_value(src, *k, v));
  }
}

// hyp.world_switch is in every dump so that a reader sees it; a file may
// repeat it only as derived from the file's own keys (a stale or edited
// value would otherwise be silently ignored).
void check_world_switch(const JsonSource& src) {
  if (!src.world_switch) return;
  TimingConfig resolved = src.c;
  finalize_config(resolved);
  const uint64_t derived = resolved.hyp.world_switch();
  const nlohmann::json& v = *src.world_switch;
  if (v.is_number_unsigned() && v.get<uint64_t>() == derived) return;
  throw ConfigError(where(src.origin) + "hyp.world_switch: " + describe(v) + " is not the derived value " +
                    std::to_string(derived) + " (" + kWorldSwitchFormula +
                    "); remove it, or set those keys instead");
}

void apply_source(TimingConfig& c, const nlohmann::json& j, const std::string& prefix, const std::string& origin) {
  JsonSource src{c, origin, {}, nullptr};
  apply_node(src, j, prefix);
  check_world_switch(src);
}

}  // namespace

std::vector<ConfigKeyInfo> config_keys(const TimingConfig& c) {
  TimingConfig defaults;
  finalize_config(defaults);
  std::vector<ConfigKeyInfo> out;
  for (const Key& k : keys())
    out.push_back({k.name, k.doc, k.get(c), k.get(defaults), k.min, k.max, unit_name(k.unit)});
  return out;
}

void set_config_value(TimingConfig& c, const std::string& key, const std::string& value) {
  const Key* k = find_key(key);
  if (!k) unknown_key(key, "--set");
  const std::string at = "--set " + printable(key) + "=" + printable(value) + ": ";
  uint64_t v;
  if (!parse_value(*k, value, v))
    throw ConfigError(at + "bad value; expected " + expected(*k) + " as a decimal or 0x-hex integer");
  if (!in_range(*k, v)) throw ConfigError(at + "out of range; expected " + expected(*k));
  set_explicitly(c, *k, v);
}

void set_config_assignment(TimingConfig& c, const std::string& kv) {
  const size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set " + printable(kv) + ": expected KEY=VALUE, e.g. --set hyp.sbi_call=300");
  set_config_value(c, kv.substr(0, eq), kv.substr(eq + 1));
}

void apply_config_json(TimingConfig& c, const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object())
    throw ConfigError(where(origin) + "expected a JSON object of configuration keys, got " + describe(j));
  // A --stats report, or the output of `rvh-vp calibrate`: take the
  // configuration it recorded.
  const std::string schema = j.contains("schema") && j["schema"].is_string() ? j["schema"].get<std::string>() : "";
  if (schema.rfind("rvh-vp-stats/", 0) == 0 || schema.rfind("rvh-vp-calibration/", 0) == 0) {
    if (!j.contains("config") || !j["config"].is_object())
      throw ConfigError(where(origin) + "this " + (schema.rfind("rvh-vp-stats/", 0) == 0 ? "stats report" : "calibration") +
                        " has no \"config\" object (written by an older rvh-vp)");
    apply_source(c, j["config"], "", origin);
    return;
  }
  apply_source(c, j, "", origin);
}

namespace {

constexpr size_t kMaxJsonFileBytes = 64u << 20;  // far above any config or stats report

[[noreturn]] void cannot_read(const std::string& path, const char* what, int err) {
  throw ConfigError(path + ": cannot read " + what + " (" + std::strerror(err) + ")");
}

// The whole file; a directory, an unreadable file and a huge one are errors.
std::string read_text_file(const std::string& path, const char* what) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) cannot_read(path, what, errno);
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
    ::close(fd);
    throw ConfigError(path + ": is a directory; give a JSON " + what);
  }
  std::string text;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      cannot_read(path, what, err);
    }
    if (n == 0) break;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxJsonFileBytes) {
      ::close(fd);
      throw ConfigError(path + ": larger than 64 MiB; not a " + std::string(what));
    }
  }
  ::close(fd);
  return text;
}

// "line 3, column 7" of byte offset `pos` (both counted from 1).
std::string line_column(const std::string& text, size_t pos) {
  pos = std::min(pos, text.size());
  const size_t line = 1 + static_cast<size_t>(std::count(text.begin(), text.begin() + pos, '\n'));
  const size_t line_start = text.rfind('\n', pos == 0 ? 0 : pos - 1);
  const size_t column = line_start == std::string::npos || pos == 0 ? pos + 1 : pos - line_start;
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

bool is_word_char(char ch) {
  return std::isalnum(static_cast<unsigned char>(ch)) || ch == '.' || ch == '-' || ch == '+' || ch == '_';
}

// A JSON syntax error in our words: where it is and what was found there.
// `error_byte` is the parser's position: just after the offending character.
[[noreturn]] void syntax_error(const std::string& path, const std::string& text, size_t error_byte) {
  const std::string head = path + ": not valid JSON at ";
  // Text after a complete value (`{} trailing`): where that text starts.
  {
    std::istringstream in(text);
    nlohmann::json first;
    bool complete = true;
    try {
      in >> first;
    } catch (const nlohmann::json::exception&) {
      complete = false;
    }
    if (complete) {
      const std::streamoff end = in.tellg();
      size_t p = end < 0 ? text.size() : static_cast<size_t>(end);
      while (p < text.size() && std::isspace(static_cast<unsigned char>(text[p]))) ++p;
      const size_t stop = text.find('\n', p);
      throw ConfigError(head + line_column(text, p) + ": text after the end of the JSON value ('" +
                        printable(text.substr(p, stop == std::string::npos ? std::string::npos : stop - p), 20) +
                        "'); a configuration file holds one JSON object");
    }
  }
  size_t p = error_byte == 0 ? 0 : error_byte - 1;
  size_t rest = p;
  while (rest < text.size() && std::isspace(static_cast<unsigned char>(text[rest]))) ++rest;
  if (p >= text.size() || rest >= text.size()) {
    if (text.find_first_not_of(" \t\r\n") == std::string::npos)
      throw ConfigError(path + ": empty; expected a JSON object of configuration keys");
    throw ConfigError(head + line_column(text, text.size()) +
                      ": the file ends inside the JSON value (a missing value, '}' or ']')");
  }
  // The word the parser stopped in (`tru` of `tru }`), or the character.
  size_t last = p;
  if (last > 0 && std::isspace(static_cast<unsigned char>(text[last])) && is_word_char(text[last - 1])) --last;
  size_t first = last;
  if (is_word_char(text[last]))
    while (first > 0 && is_word_char(text[first - 1])) --first;
  throw ConfigError(head + line_column(text, first) + ": unexpected '" +
                    printable(text.substr(first, last - first + 1), 20) + "'");
}

// Parses `text`; a key repeated within one object is an error (the JSON
// library would keep the last silently).
nlohmann::json parse_json_text(const std::string& path, const std::string& text) {
  struct Frame {
    bool object;
    std::string last_key;
    std::set<std::string> keys;
  };
  std::vector<Frame> frames;
  std::string duplicate;  // dotted path of the first repeated key
  auto on_event = [&](int, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using E = nlohmann::json::parse_event_t;
    if (event == E::object_start) frames.push_back({true, {}, {}});
    else if (event == E::array_start) frames.push_back({false, {}, {}});
    else if ((event == E::object_end || event == E::array_end) && !frames.empty()) frames.pop_back();
    else if (event == E::key && !frames.empty()) {
      Frame& f = frames.back();
      f.last_key = parsed.get<std::string>();
      if (!f.keys.insert(f.last_key).second && duplicate.empty()) {
        for (const Frame& outer : frames)
          if (outer.object) duplicate += (duplicate.empty() ? "" : ".") + outer.last_key;
      }
    }
    return true;
  };
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text, on_event);
  } catch (const nlohmann::json::parse_error& e) {
    syntax_error(path, text, e.byte);
  } catch (const nlohmann::json::out_of_range&) {  // 1e999
    throw ConfigError(path + ": not valid JSON: a number too large to read (beyond 1.8e308)");
  } catch (const nlohmann::json::exception&) {
    throw ConfigError(path + ": not valid JSON");
  }
  if (!duplicate.empty()) throw ConfigError(path + ": " + printable(duplicate) + ": given twice");
  return j;
}

nlohmann::json read_json_file(const std::string& path, const char* what) {
  return parse_json_text(path, read_text_file(path, what));
}

}  // namespace

void load_config_file(TimingConfig& c, const std::string& path) {
  apply_config_json(c, read_json_file(path, "configuration file"), path);
}

void finalize_config(TimingConfig& c) {
  // The world switch is a sequence of CSR accesses and GPR stores/loads on
  // the host hart: unless set on their own, their costs are the hart's.
  if (!c.explicit_keys.count("hyp.csr_access")) c.hyp.csr_access = c.cpi.of(InsnClass::kCsr);
  if (!c.explicit_keys.count("hyp.gpr_save")) c.hyp.gpr_save = c.cpi.of(InsnClass::kStore);
}

namespace {
// Defaults, then the --config file and the --hyp-costs file.
TimingConfig config_from_files(const std::string& config_file, const std::string& hyp_costs_file) {
  TimingConfig c;
  if (!config_file.empty()) load_config_file(c, config_file);
  if (!hyp_costs_file.empty()) {
    const nlohmann::json j = read_json_file(hyp_costs_file, "hypervisor cost file");
    if (!j.is_object())
      throw ConfigError(hyp_costs_file + ": expected a JSON object of name: cycles, got " + describe(j));
    apply_source(c, j, "hyp", hyp_costs_file);
  }
  return c;
}
}  // namespace

TimingConfig resolve_config(const std::string& config_file, const std::string& hyp_costs_file,
                            const std::vector<std::string>& sets) {
  TimingConfig c = config_from_files(config_file, hyp_costs_file);
  for (const std::string& kv : sets) set_config_assignment(c, kv);
  finalize_config(c);
  return c;
}

TimingConfig resolve_vm_config(const std::string& config_file, const std::string& hyp_costs_file,
                               const std::string& vm_file, const std::vector<std::string>& sets) {
  TimingConfig c = config_from_files(config_file, hyp_costs_file);
  const nlohmann::json j = read_json_file(vm_file, "VM configuration file");
  if (!j.is_object()) throw ConfigError(vm_file + ": expected a JSON object of hyp keys, got " + describe(j));
  if (j.contains("hyp") && j["hyp"].is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it)
      if (it.key() != "hyp")
        throw ConfigError(vm_file + ": '" + it.key() + "': only hyp.* keys can be set for one VM (config=)");
    apply_source(c, j["hyp"], "hyp", vm_file);
  } else {
    apply_source(c, j, "hyp", vm_file);
  }
  for (const std::string& kv : sets) set_config_assignment(c, kv);
  finalize_config(c);
  return c;
}

nlohmann::json config_to_json(const TimingConfig& c) {
  nlohmann::json j = nlohmann::json::object();
  for (const Key& k : keys()) j[nlohmann::json::json_pointer("/" + [&] {
      std::string p = k.name;
      for (char& ch : p) if (ch == '.') ch = '/';
      return p;
    }())] = k.get(c);
  j["hyp"]["world_switch"] = c.hyp.world_switch();
  return j;
}

std::string config_key_table(const TimingConfig& c) {
  std::ostringstream os;
  for (const ConfigKeyInfo& k : config_keys(c)) {
    os << k.key << " = " << k.value << "  (";
    if (k.value != k.default_value) os << "default " << k.default_value << "; ";
    os << "range " << k.min << ".." << k.max << (k.unit.empty() ? "" : " ") << k.unit << ")";
    os << "\n    " << k.doc << "\n";
  }
  os << "hyp.world_switch = " << c.hyp.world_switch() << "  (derived: " << kWorldSwitchFormula << ")\n";
  return os.str();
}

}  // namespace rvh
