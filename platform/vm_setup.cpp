// platform/vm_setup.cpp: see vm_setup.h.
#include "platform/vm_setup.h"

namespace rvh {
namespace {
hyp::VmConfig common_vm_config(const Options& opt, const TimingConfig& timing) {
  hyp::VmConfig c;
  c.guest_ram_size = opt.guest_memory;
  c.num_vcpus = 1;
  c.sstc = opt.guest_sstc;
  c.prefault = opt.hyp_prefault;
  c.redirect_inst_access_fault = !opt.kvm_no_inst_access_redirect;
  c.strict_mmio = opt.strict_mmio;
  c.uart_drop_early = opt.serial_drop_early;
  c.disabled_sbi = opt.sbi_disable;
  c.hedeleg = opt.hyp_hedeleg;
  c.costs = timing.hyp;
  return c;
}
}  // namespace

std::vector<Soc::VmBoot> plan_vms(const Options& opt, const TimingConfig& timing) {
  std::vector<Soc::VmBoot> boots;
  if (opt.vms.empty()) {
    Soc::VmBoot b;
    b.config = common_vm_config(opt, timing);
    b.config.num_vcpus = opt.smp;
    b.kernel = opt.kernel;
    b.bootargs = opt.append;
    for (const VmSpec::Disk& d : opt.disks) b.config.disks.push_back({d.path, d.read_only});
    b.config.virtio_rng = opt.virtio_rng;
    boots.push_back(std::move(b));
    return boots;
  }
  for (const VmSpec& spec : opt.vms) {
    Soc::VmBoot b;
    b.config = common_vm_config(opt, timing);
    if (spec.memory) b.config.guest_ram_size = spec.memory;
    if (spec.smp) b.config.num_vcpus = spec.smp;
    // config=FILE: this VM's hyp.* keys, after --config and --hyp-costs,
    // before --set.
    if (!spec.config.empty())
      b.config.costs = resolve_vm_config(opt.config_file, opt.hyp_costs, spec.config, opt.config_sets).hyp;
    b.kernel = spec.kernel;
    b.bootargs = spec.append.value_or("");
    for (const VmSpec::Disk& d : spec.disks) b.config.disks.push_back({d.path, d.read_only});
    b.config.virtio_rng = spec.rng;
    boots.push_back(std::move(b));
  }
  return boots;
}

}  // namespace rvh
