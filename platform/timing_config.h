// platform/timing_config.h: every timing parameter of a run in one
// hierarchical configuration (docs/timing.md): the hart clock and CPI table,
// the global quantum, bus, RAM/DMI and per-device latencies, the CLINT
// timebase and the hosted hypervisor's cost model. Keys are dotted paths
// ("hart.cpi.div", "ram.dmi_read_ns", "hyp.sbi_call"); `--config FILE.json`
// loads them (nested objects or dotted keys), `--set KEY=VALUE` overrides
// one, `--dump-config` prints the effective values, and every --stats report
// records them so a run can be reproduced from its report alone.
#pragma once
#include <cstdint>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpu/cpi.h"
#include "hyp/costs.h"

namespace rvh {

// A bad key or value. what() is one line naming the key and the fix.
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct TimingConfig {
  // Hart: clock and cycles per instruction class.
  uint64_t hart_clock_hz = 1'000'000'000;
  CpiTable cpi;
  // Temporal decoupling: a hart runs ahead of SystemC time by at most
  // quantum_ns, and checks for synchronisation every quantum_insns.
  uint64_t quantum_ns = 1000;
  uint64_t quantum_insns = 10000;
  // Memory system (simulated nanoseconds per access). b_transport accesses
  // pay the bus latency plus the target's; DMI accesses (the harts' path to
  // RAM) pay only the latency the memory grants with its DMI pointer.
  uint64_t bus_latency_ns = 5;
  uint64_t ram_read_ns = 0, ram_write_ns = 0;
  uint64_t ram_dmi_read_ns = 0, ram_dmi_write_ns = 0;
  uint64_t rom_latency_ns = 0;
  uint64_t clint_latency_ns = 10, plic_latency_ns = 10, uart_latency_ns = 10, finisher_latency_ns = 10;
  uint64_t timebase_hz = 10'000'000;  // CLINT mtime
  // Hosted hypervisor cost model, in target cycles.
  hyp::HypCosts hyp;

  // Keys given explicitly (by --config or --set), for linked defaults:
  // hyp.csr_access follows hart.cpi.csr and hyp.gpr_save follows
  // hart.cpi.store unless they are set themselves.
  std::set<std::string> explicit_keys;
};

struct ConfigKeyInfo {
  std::string key;
  std::string doc;
  uint64_t value;
  uint64_t default_value;
  // The accepted range, inclusive, and its unit ("cycles", "ns", "Hz",
  // "instructions" or "" for counts); docs/timing.md "Ranges" says why.
  uint64_t min;
  uint64_t max;
  std::string unit;
};

// The keys in documentation order, with their current values.
std::vector<ConfigKeyInfo> config_keys(const TimingConfig& c);

// `--set KEY=VALUE`: VALUE is a decimal or 0x-hex integer, or for
// frequencies a number with a Hz/kHz/MHz/GHz suffix, within the key's range.
void set_config_value(TimingConfig& c, const std::string& key, const std::string& value);
void set_config_assignment(TimingConfig& c, const std::string& key_equals_value);

// A config file: nested objects ({"hart": {"cpi": {"div": 30}}}), dotted
// keys ({"hart.cpi.div": 30}) or both. A --stats report is accepted too: its
// "config" object is used. `origin` names the file in errors. Values are
// JSON numbers (whole, within the key's range; *_hz keys also take strings
// such as "1.5GHz"); a key given twice, an unknown key and a
// hyp.world_switch other than the derived value are errors.
void apply_config_json(TimingConfig& c, const nlohmann::json& j, const std::string& origin);
void load_config_file(TimingConfig& c, const std::string& path);

// Resolves the linked defaults; call once after all sources were applied.
void finalize_config(TimingConfig& c);

// The effective configuration of a run: defaults, then `config_file` (if
// any), then `hyp_costs_file` (a flat object of hyp.* keys, if any), then
// each "key=value" of `sets` in order; finalized.
TimingConfig resolve_config(const std::string& config_file, const std::string& hyp_costs_file,
                            const std::vector<std::string>& sets);

// One VM's configuration (--vm ...,config=VM_FILE): as resolve_config,
// with VM_FILE's hyp.* keys applied after `hyp_costs_file` and before
// `sets`. VM_FILE is a flat object of hyp keys (as --hyp-costs) or
// {"hyp": {...}} (as --config, with nothing but "hyp" in it).
TimingConfig resolve_vm_config(const std::string& config_file, const std::string& hyp_costs_file,
                               const std::string& vm_file, const std::vector<std::string>& sets);

// The effective configuration as nested JSON (hyp.world_switch is included
// as a derived, read-only value).
nlohmann::json config_to_json(const TimingConfig& c);
// `--dump-config`: the same as JSON, then a commented key list on request.
std::string config_key_table(const TimingConfig& c);

}  // namespace rvh
