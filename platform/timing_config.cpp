// platform/timing_config.cpp: see timing_config.h. One table of keys, each
// with a documentation line and a reference to its field, serves the parser,
// the JSON dump and the documentation, so they cannot disagree.
#include "platform/timing_config.h"

#include <cctype>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>

namespace rvh {
namespace {

struct Key {
  std::string name;
  std::string doc;
  std::function<uint64_t&(TimingConfig&)> field64;    // uint64_t fields
  std::function<uint16_t&(TimingConfig&)> field16;    // uint16_t fields (CPI table)
  std::function<unsigned&(TimingConfig&)> field32;    // unsigned fields (counts)
  uint64_t min = 0;
  uint64_t max = std::numeric_limits<uint64_t>::max();

  uint64_t get(const TimingConfig& c) const {
    auto& m = const_cast<TimingConfig&>(c);
    if (field64) return field64(m);
    if (field16) return field16(m);
    return field32(m);
  }
  void set(TimingConfig& c, uint64_t v) const {
    if (field64) field64(c) = v;
    else if (field16) field16(c) = static_cast<uint16_t>(v);
    else field32(c) = static_cast<unsigned>(v);
  }
};

Key k64(std::string name, std::string doc, uint64_t TimingConfig::*member, uint64_t min = 0,
        uint64_t max = std::numeric_limits<uint64_t>::max()) {
  Key k{std::move(name), std::move(doc), {}, {}, {}, min, max};
  k.field64 = [member](TimingConfig& c) -> uint64_t& { return c.*member; };
  return k;
}

Key khyp(std::string name, std::string doc, uint64_t hyp::HypCosts::*member) {
  Key k{"hyp." + name, std::move(doc), {}, {}, {}, 0, std::numeric_limits<uint64_t>::max()};
  k.field64 = [member](TimingConfig& c) -> uint64_t& { return c.hyp.*member; };
  return k;
}

Key khyp_count(std::string name, std::string doc, unsigned hyp::HypCosts::*member) {
  Key k{"hyp." + name, std::move(doc), {}, {}, {}, 0, 4096};
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
    t.push_back(k64("hart.clock_hz", "hart clock: cycles to simulated time", &TimingConfig::hart_clock_hz, 1000,
                    1'000'000'000'000ull));
    for (size_t i = 0; i < static_cast<size_t>(InsnClass::kCount); ++i) {
      const auto cls = static_cast<InsnClass>(i);
      Key k{std::string("hart.cpi.") + CpiTable::name(cls), cpi_doc(cls), {}, {}, {}, 0, 65535};
      k.field16 = [i](TimingConfig& c) -> uint16_t& { return c.cpi.cycles[i]; };
      t.push_back(k);
    }
    {
      Key k{"hart.cpi.branch_taken_penalty", "extra cycles for a taken branch", {}, {}, {}, 0, 65535};
      k.field16 = [](TimingConfig& c) -> uint16_t& { return c.cpi.branch_taken_penalty; };
      t.push_back(k);
      Key w{"hart.cpi.pte_read", "cycles per page-table entry the MMU reads on a TLB miss (both stages), "
            "plus the memory latency", {}, {}, {}, 0, 65535};
      w.field16 = [](TimingConfig& c) -> uint16_t& { return c.cpi.pte_read_cycles; };
      t.push_back(w);
      Key e{"hart.cpi.trap_entry", "cycles to take a trap or interrupt (redirecting the pipeline)", {}, {}, {}, 0,
            65535};
      e.field16 = [](TimingConfig& c) -> uint16_t& { return c.cpi.trap_entry_cycles; };
      t.push_back(e);
    }
    t.push_back(k64("sim.quantum_ns", "global TLM quantum: how far a hart runs ahead of SystemC time",
                    &TimingConfig::quantum_ns, 1));
    t.push_back(k64("sim.quantum_insns", "at most this many instructions between synchronisation checks",
                    &TimingConfig::quantum_insns, 1));
    t.push_back(k64("bus.latency_ns", "bus latency added to every b_transport access (not to DMI)",
                    &TimingConfig::bus_latency_ns));
    t.push_back(k64("ram.read_ns", "RAM read latency through b_transport", &TimingConfig::ram_read_ns));
    t.push_back(k64("ram.write_ns", "RAM write latency through b_transport", &TimingConfig::ram_write_ns));
    t.push_back(k64("ram.dmi_read_ns", "RAM read latency granted with DMI (the harts' loads and fetches)",
                    &TimingConfig::ram_dmi_read_ns));
    t.push_back(k64("ram.dmi_write_ns", "RAM write latency granted with DMI (the harts' stores)",
                    &TimingConfig::ram_dmi_write_ns));
    t.push_back(k64("rom.latency_ns", "boot ROM access latency", &TimingConfig::rom_latency_ns));
    t.push_back(k64("clint.latency_ns", "CLINT register access latency", &TimingConfig::clint_latency_ns));
    t.push_back(k64("clint.timebase_hz", "mtime frequency (also the device tree's timebase-frequency)",
                    &TimingConfig::timebase_hz, 1, 1'000'000'000));
    t.push_back(k64("plic.latency_ns", "PLIC register access latency", &TimingConfig::plic_latency_ns));
    t.push_back(k64("uart.latency_ns", "16550 UART register access latency", &TimingConfig::uart_latency_ns));
    t.push_back(k64("finisher.latency_ns", "test finisher access latency", &TimingConfig::finisher_latency_ns));

    using C = hyp::HypCosts;
    t.push_back(khyp("gpr_save", "world switch: cycles per GPR saved or restored (default: hart.cpi.store)",
                     &C::gpr_save));
    t.push_back(khyp("csr_access", "world switch: cycles per CSR read or write (default: hart.cpi.csr)",
                     &C::csr_access));
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
    return t;
  }();
  return table;
}

const Key* find_key(const std::string& name) {
  for (const Key& k : keys())
    if (k.name == name) return &k;
  return nullptr;
}

std::string known_prefixes() { return "hart., sim., bus., ram., rom., clint., plic., uart., finisher., hyp."; }

[[noreturn]] void unknown_key(const std::string& name, const std::string& origin) {
  std::string where = origin.empty() ? "" : origin + ": ";
  if (name == "hyp.world_switch")
    throw ConfigError(where + "hyp.world_switch is derived (switch_fixed + switch_gprs x gpr_save + "
                              "switch_csrs x csr_access); set those instead");
  throw ConfigError(where + "unknown configuration key '" + name + "'; keys start with " + known_prefixes() +
                    " (rvh-vp --help-config lists them all)");
}

void check_and_set(TimingConfig& c, const Key& k, uint64_t v, const std::string& origin) {
  if (v < k.min || v > k.max) {
    std::ostringstream msg;
    if (!origin.empty()) msg << origin << ": ";
    msg << k.name << " = " << v << ": out of range; use " << k.min << ".." << k.max;
    throw ConfigError(msg.str());
  }
  k.set(c, v);
  c.explicit_keys.insert(k.name);
}

// Decimal or 0x-hex; for *_hz keys a decimal number with a unit suffix too.
bool parse_value(const std::string& key, const std::string& text, uint64_t& out) {
  std::string s = text;
  double scale = 1;
  const bool hz = key.size() > 3 && key.compare(key.size() - 3, 3, "_hz") == 0;
  if (hz) {
    std::string lower;
    for (char ch : s) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (auto [suffix, mult] : {std::pair<const char*, double>{"ghz", 1e9}, {"mhz", 1e6}, {"khz", 1e3}, {"hz", 1}}) {
      const std::string suf = suffix;
      if (lower.size() > suf.size() && lower.compare(lower.size() - suf.size(), suf.size(), suf) == 0) {
        s = s.substr(0, s.size() - suf.size());
        scale = mult;
        break;
      }
    }
    if (scale != 1 || s.find('.') != std::string::npos) {
      size_t used = 0;
      double d;
      try {
        d = std::stod(s, &used);
      } catch (...) {
        return false;
      }
      if (used != s.size() || d < 0) return false;
      const double v = d * scale;
      if (v > 1.8e19 || v != static_cast<double>(static_cast<uint64_t>(v))) return false;
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
    if (v > std::numeric_limits<uint64_t>::max()) return false;
  }
  out = static_cast<uint64_t>(v);
  return true;
}

void apply_node(TimingConfig& c, const nlohmann::json& j, const std::string& prefix, const std::string& origin) {
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string name = prefix.empty() ? it.key() : prefix + "." + it.key();
    if (it.value().is_object()) {
      apply_node(c, it.value(), name, origin);
      continue;
    }
    if (name == "hyp.world_switch") continue;  // derived; present in dumps, accepted so they load back
    const Key* k = find_key(name);
    if (!k) unknown_key(name, origin);
    uint64_t v;
    if (it.value().is_number_unsigned()) {
      v = it.value().get<uint64_t>();
    } else if (it.value().is_string() && parse_value(name, it.value().get<std::string>(), v)) {
    } else {
      throw ConfigError(origin + ": " + name + " must be a non-negative integer (got " + it.value().dump() + ")");
    }
    check_and_set(c, *k, v, origin);
  }
}

}  // namespace

std::vector<ConfigKeyInfo> config_keys(const TimingConfig& c) {
  TimingConfig defaults;
  finalize_config(defaults);
  std::vector<ConfigKeyInfo> out;
  for (const Key& k : keys()) out.push_back({k.name, k.doc, k.get(c), k.get(defaults)});
  return out;
}

void set_config_value(TimingConfig& c, const std::string& key, const std::string& value) {
  const Key* k = find_key(key);
  if (!k) unknown_key(key, "--set");
  uint64_t v;
  if (!parse_value(key, value, v))
    throw ConfigError("--set " + key + "=" + value + ": bad value; use a decimal or 0x-hex integer" +
                      (key.size() > 3 && key.compare(key.size() - 3, 3, "_hz") == 0 ? " or e.g. 1.5GHz" : ""));
  check_and_set(c, *k, v, "--set");
}

void set_config_assignment(TimingConfig& c, const std::string& kv) {
  const size_t eq = kv.find('=');
  if (eq == std::string::npos || eq == 0)
    throw ConfigError("--set " + kv + ": expected KEY=VALUE, e.g. --set hyp.sbi_call=300");
  set_config_value(c, kv.substr(0, eq), kv.substr(eq + 1));
}

void apply_config_json(TimingConfig& c, const nlohmann::json& j, const std::string& origin) {
  if (!j.is_object()) throw ConfigError(origin + ": expected a JSON object of configuration keys");
  // A --stats report: take the configuration it recorded.
  if (j.contains("schema") && j["schema"].is_string() && j["schema"].get<std::string>().rfind("rvh-vp-stats/", 0) == 0) {
    if (!j.contains("config") || !j["config"].is_object())
      throw ConfigError(origin + ": this stats report has no \"config\" object (written by an older rvh-vp)");
    apply_node(c, j["config"], "", origin);
    return;
  }
  apply_node(c, j, "", origin);
}

namespace {
nlohmann::json read_json_file(const std::string& path, const char* what) {
  std::ifstream f(path);
  if (!f) throw ConfigError(path + ": cannot read " + what);
  nlohmann::json j;
  try {
    f >> j;
  } catch (const nlohmann::json::exception& e) {
    throw ConfigError(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  return j;
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

TimingConfig resolve_config(const std::string& config_file, const std::string& hyp_costs_file,
                            const std::vector<std::string>& sets) {
  TimingConfig c;
  if (!config_file.empty()) load_config_file(c, config_file);
  if (!hyp_costs_file.empty()) {
    const nlohmann::json j = read_json_file(hyp_costs_file, "hypervisor cost file");
    if (!j.is_object()) throw ConfigError(hyp_costs_file + ": expected a JSON object of name: cycles");
    apply_node(c, j, "hyp", hyp_costs_file);
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
    os << k.key << " = " << k.value;
    if (k.value != k.default_value) os << "  (default " << k.default_value << ")";
    os << "\n    " << k.doc << "\n";
  }
  os << "hyp.world_switch = " << c.hyp.world_switch()
     << "  (derived: switch_fixed + switch_gprs x gpr_save + switch_csrs x csr_access)\n";
  return os.str();
}

}  // namespace rvh
