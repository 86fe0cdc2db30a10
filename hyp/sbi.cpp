// hyp/sbi.cpp: the SBI dispatcher of a VM (the table of extensions, like
// KVM's sbi_ext[] in arch/riscv/kvm/vcpu_sbi.c), the default function name
// of an extension, and the hart-list helper shared by IPI and RFENCE.
#include "hyp/sbi.h"

#include <algorithm>
#include <stdexcept>

#include "hyp/vcpu.h"

namespace rvh::hyp {

// Functions without a name are counted per FID below kNamedFids and together
// above, so that a guest calling every FID cannot grow the statistics (and
// the exit-cost table, keyed by the same name) without bound.
constexpr uint64_t kNamedFids = 64;

std::string SbiExtension::function_name(uint64_t eid, uint64_t fid) const {
  (void)eid;
  return fid < kNamedFids ? "fid" + std::to_string(fid) : "fid_other";
}

int64_t sbi_hart_mask_targets(uint64_t hart_mask, uint64_t hart_mask_base, unsigned num_harts,
                              std::vector<unsigned>& targets) {
  targets.clear();
  if (hart_mask_base == ~0ull) {  // -1: ignore hart_mask, every hart
    for (unsigned i = 0; i < num_harts; ++i) targets.push_back(i);
    return kSbiSuccess;
  }
  bool invalid = false;
  for (unsigned bit = 0; bit < 64; ++bit) {
    if (!((hart_mask >> bit) & 1)) continue;
    // hart_mask_base + bit, guarding against wrap-around (a huge base).
    if (hart_mask_base >= num_harts || bit >= num_harts - hart_mask_base) {
      invalid = true;
      continue;
    }
    targets.push_back(static_cast<unsigned>(hart_mask_base + bit));
  }
  return invalid ? kSbiErrInvalidParam : kSbiSuccess;
}

SbiDispatcher::SbiDispatcher() {
  // BASE first (it probes the others through this table), then the v0.2+
  // extensions, then the legacy range.
  extensions_.push_back(make_sbi_base(*this));
  extensions_.push_back(make_sbi_time());
  extensions_.push_back(make_sbi_ipi());
  extensions_.push_back(make_sbi_rfence());
  extensions_.push_back(make_sbi_hsm());
  extensions_.push_back(make_sbi_srst());
  extensions_.push_back(make_sbi_dbcn());
  extensions_.push_back(make_sbi_legacy());
}

void SbiDispatcher::disable(const std::string& name) {
  const auto it = std::find_if(extensions_.begin(), extensions_.end(),
                               [&](const auto& e) { return name == e->name(); });
  if (it == extensions_.end()) {
    std::string known;
    for (const auto& n : names()) known += (known.empty() ? "" : ", ") + n;
    throw std::invalid_argument("unknown SBI extension '" + name + "' (known: " + known + ")");
  }
  if (enabled(name)) disabled_.push_back(name);
}

bool SbiDispatcher::enabled(const std::string& name) const {
  return std::find(disabled_.begin(), disabled_.end(), name) == disabled_.end();
}

SbiExtension* SbiDispatcher::find(uint64_t eid) const {
  for (const auto& e : extensions_)
    if (e->serves(eid)) return enabled(e->name()) ? e.get() : nullptr;
  return nullptr;
}

SbiResult SbiDispatcher::dispatch(Vcpu& vcpu, const SbiCall& call) const {
  SbiExtension* ext = find(call.eid);
  if (!ext) {
    vcpu.name_exit("sbi unknown");
    ++vcpu.stats().sbi_calls["unknown"];
    SbiResult r;
    r.error = kSbiErrNotSupported;
    return r;
  }
  const std::string key = std::string(ext->name()) + "." + ext->function_name(call.eid, call.fid);
  vcpu.name_exit("sbi " + key);
  ++vcpu.stats().sbi_calls[key];
  return ext->call(vcpu, call);
}

std::vector<std::string> SbiDispatcher::names() const {
  std::vector<std::string> out;
  for (const auto& e : extensions_) out.emplace_back(e->name());
  return out;
}

}  // namespace rvh::hyp
