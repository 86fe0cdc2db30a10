// platform/config.h: the configuration of one platform instance. Everything the
// device tree, the loader and the SoC builder need comes from here.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rvh {

// QEMU virt-compatible memory map (docs/memory-map.md).
namespace memmap {
constexpr uint64_t kBootRomBase = 0x1000;
constexpr uint64_t kBootRomSize = 0x1000;
constexpr uint64_t kFinisherBase = 0x100000;
constexpr uint64_t kFinisherSize = 0x1000;
constexpr uint64_t kClintBase = 0x2000000;
constexpr uint64_t kClintSize = 0x10000;
constexpr uint64_t kPlicBase = 0xc000000;
constexpr uint64_t kPlicSize = 0x600000;
constexpr uint64_t kUart0Base = 0x10000000;
constexpr uint64_t kUart0Size = 0x100;
constexpr unsigned kUart0Irq = 10;
constexpr uint64_t kRamBase = 0x80000000;
constexpr unsigned kPlicNumSources = 95;  // riscv,ndev as QEMU virt
}  // namespace memmap

// A device a library user attached to the SoC (Soc::attach_device,
// docs/library.md). With a compatible string it is described in the device
// tree as /soc/<name>@<base> { reg; compatible; interrupt-parent = <&plic>;
// interrupts = <plic_source>; }.
struct UserDevice {
  std::string name;                     // bus region and node name
  uint64_t base = 0, size = 0;
  std::vector<std::string> compatible;  // empty: not in the device tree
  unsigned plic_source = 0;             // 0: no interrupt
};

struct PlatformConfig {
  unsigned num_harts = 1;                  // --smp, 1..8
  uint64_t ram_size = 128ull << 20;        // -m
  uint64_t timebase_hz = 10'000'000;       // CLINT mtime frequency
  uint64_t hart_clock_hz = 1'000'000'000;  // hart clock for the CPI model
  std::string isa = "rv64imafdch_zicsr_zifencei_zicntr_zihintpause_sstc";
  std::string mmu_type = "riscv,sv48";     // highest supported satp mode
  std::string bootargs;                    // --append
  std::string stdout_path = "/soc/serial@10000000";
  // Where the firmware expects the DTB; set by the SoC builder (top of RAM, 8-byte aligned).
  uint64_t dtb_addr = 0;
  // false for a guest's view (hosted hypervisor): no CLINT, no test device,
  // no poweroff/reboot nodes; timer, IPIs and reset come from SBI.
  bool machine_devices = true;
  // Initrd location if any (0 = none).
  uint64_t initrd_start = 0, initrd_end = 0;
  // Devices attached by a library user, in attach order.
  std::vector<UserDevice> user_devices;
};

}  // namespace rvh
