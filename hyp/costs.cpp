// hyp/costs.cpp: see costs.h.
#include "hyp/costs.h"

#include <fstream>
#include <stdexcept>

namespace rvh::hyp {
namespace {
// One table of (name, field) so that JSON keys, the dump and the parser agree.
template <typename F>
void for_each_field(HypCosts& c, F f) {
  f("gpr_save", c.gpr_save);
  f("csr_access", c.csr_access);
  f("switch_fixed", c.switch_fixed);
  f("sbi_call", c.sbi_call);
  f("sbi_ipi", c.sbi_ipi);
  f("sbi_rfence", c.sbi_rfence);
  f("sbi_hsm", c.sbi_hsm);
  f("sbi_console", c.sbi_console);
  f("csr_emulation", c.csr_emulation);
  f("wfi", c.wfi);
  f("wfi_wakeup", c.wfi_wakeup);
  f("redirect", c.redirect);
  f("insn_fetch", c.insn_fetch);
  f("mmio_kernel", c.mmio_kernel);
  f("mmio_user", c.mmio_user);
  f("gstage_map", c.gstage_map);
  f("host_interrupt", c.host_interrupt);
}
}  // namespace

nlohmann::json HypCosts::to_json() const {
  nlohmann::json j;
  HypCosts copy = *this;
  for_each_field(copy, [&](const char* name, uint64_t& v) { j[name] = v; });
  j["switch_gprs"] = switch_gprs;
  j["switch_csrs"] = switch_csrs;
  j["world_switch"] = world_switch();
  return j;
}

void HypCosts::apply_json(const nlohmann::json& j) {
  if (!j.is_object()) throw std::runtime_error("hypervisor costs: expected a JSON object of name: cycles");
  for (auto it = j.begin(); it != j.end(); ++it) {
    bool known = false;
    for_each_field(*this, [&](const char* name, uint64_t& v) {
      if (it.key() == name) {
        if (!it.value().is_number_unsigned()) throw std::runtime_error("hypervisor costs: " + it.key() + " must be a non-negative integer");
        v = it.value().get<uint64_t>();
        known = true;
      }
    });
    if (it.key() == "switch_gprs") { switch_gprs = it.value().get<unsigned>(); known = true; }
    if (it.key() == "switch_csrs") { switch_csrs = it.value().get<unsigned>(); known = true; }
    if (it.key() == "world_switch") known = true;  // derived; accepted so a dumped file loads back
    if (!known) throw std::runtime_error("hypervisor costs: unknown key '" + it.key() + "'");
  }
}

HypCosts HypCosts::from_file(const std::string& path) {
  std::ifstream f(path);
  if (!f) throw std::runtime_error(path + ": cannot read hypervisor cost file");
  nlohmann::json j;
  try {
    f >> j;
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(path + ": not valid JSON (" + std::string(e.what()) + ")");
  }
  HypCosts c;
  c.apply_json(j);
  return c;
}

}  // namespace rvh::hyp
