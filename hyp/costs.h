// hyp/costs.h: the hosted hypervisor's cost model (first version). Every
// exit charges target cycles to the hart that takes it: a world switch (exit
// + entry) plus the handler of its class. Defaults and their sources are in
// docs/hypervisor.md; `--hyp-costs FILE.json` overrides any of them, and the
// effective values are written into the stats.
#pragma once
#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

namespace rvh::hyp {

struct HypCosts {
  // World switch: what KVM saves and restores around a guest run
  // (vcpu_switch.S: 31 GPRs each way, ~12 CSRs each way) at csr_access and
  // gpr_save cycles, plus a fixed pipeline/trap overhead.
  uint64_t gpr_save = 1;        // cycles per general-purpose register saved or restored
  uint64_t csr_access = 4;      // cycles per CSR read or write
  uint64_t switch_fixed = 60;   // trap entry + sret + fence overheads, both directions
  unsigned switch_gprs = 62;    // 31 saved + 31 restored
  unsigned switch_csrs = 24;    // sstatus, hstatus, scounteren, stvec, sscratch, sepc, ... each way
  // Handlers, per exit class. The keys marked [KVM] are calibrated: the
  // cycles Linux 6.1 KVM itself takes for the operation on the default
  // hart model (`rvh-vp calibrate`; docs/kvm.md has the measurements and
  // docs/calibration/default.json the file they come from). The others are
  // estimates (docs/timing.md).
  uint64_t sbi_call = 733;        // [KVM] dispatch + a simple SBI function
  uint64_t sbi_ipi = 300;         // per target vCPU kick
  uint64_t sbi_rfence = 400;      // remote fence request
  uint64_t sbi_hsm = 500;         // hart start/stop bookkeeping
  uint64_t sbi_console = 2462;    // [KVM] a legacy putchar forwarded to the VMM
  uint64_t csr_emulation = 120;   // virtual-instruction CSR emulation
  uint64_t wfi = 100;             // WFI exit before the vCPU blocks
  uint64_t wfi_wakeup = 2429;     // [KVM] waking a blocked vCPU
  uint64_t redirect = 80;         // trap redirected to the guest
  uint64_t insn_fetch = 60;       // reading the trapping instruction with HLVX
  uint64_t mmio_kernel = 1215;    // [KVM] MMIO emulated in the hypervisor (virtual PLIC)
  uint64_t mmio_user = 2730;      // [KVM] MMIO forwarded to the VMM side (virtual UART)
  uint64_t gstage_map = 10006;    // [KVM] G-stage page-fault map (host page + PTE writes + fence)
  uint64_t host_interrupt = 0;    // [KVM] a host interrupt taken while the guest ran (beyond the switch)
  // An IPI to another running vCPU reaches it as KVM's kick does: a host
  // IPI (through the SBI firmware) that forces the target out of the guest,
  // which re-enters with VSSIP; charged to the target as an exit.
  uint64_t ipi_delivery = 2782;  // [KVM]
  // Several vCPUs on a hart (hyp/scheduler.h; estimates, docs/hypervisor.md).
  // Putting another vCPU of the same VM on the hart: the host scheduler's
  // context switch between vCPU threads (schedule(), vcpu_put/vcpu_load:
  // FP registers, the VS CSRs, the timer) beyond the world switch.
  uint64_t vcpu_switch = 2000;
  // Switching to a vCPU of another VM, on top of vcpu_switch: hgatp with
  // the other VMID and the VM-wide state (KVM: kvm_riscv_gstage_update_hgatp,
  // the VM's timer and irqchip state).
  uint64_t vm_switch = 500;
  // HFENCE.GVMA of every translation of a VMID two VMs share (vmid_bits too
  // small, or 0): the fence itself; the TLB refills after it are paid by the
  // hart's page walks.
  uint64_t gstage_flush = 100;
  uint64_t time_slice_ns = 1'000'000;  // round-robin time slice (simulated time)
  // hgatp.VMID bits the hypervisor uses (0..14; the hart implements 14).
  // VMs get distinct VMIDs while 2^bits - 1 suffice; VMs that share one
  // (all of them with 0) flush the G-stage TLB at every switch between them.
  unsigned vmid_bits = 14;
  // virtio devices (hyp/virtio_*.h; estimates, docs/io.md). The VMM's work
  // for one request (kvmtool: pop the chain, one pread/pwrite, push used,
  // signal the irqfd) and per KiB it copies; this is the device's service
  // time, spent on the VMM's thread, not on the notifying hart.
  uint64_t virtio_request = 5000;
  uint64_t virtio_per_kib = 250;
  unsigned virtio_event_idx = 1;  // offer VIRTIO_F_EVENT_IDX (0: notify and interrupt per buffer)
  // An assigned device's interrupt: the host takes the physical PLIC
  // interrupt, claims it and injects it into the VM's virtual PLIC
  // (VFIO's irqfd path), charged to the hart that takes it beyond the switch.
  uint64_t assigned_irq = 1500;

  uint64_t world_switch() const { return switch_fixed + switch_gprs * gpr_save + switch_csrs * csr_access; }

  // --hyp-costs and --config read these keys through the strict parser in
  // platform/timing_config.cpp (hyp.* keys).
  nlohmann::json to_json() const;
};

}  // namespace rvh::hyp
