// hyp/vm_virtio.cpp: a VM's virtio-mmio devices (docs/io.md): virtio-blk
// disks then a virtio-rng, each behind its own transport at
// Vm::kVirtioBase + n * kVirtioStride with virtual PLIC source 1 + n, the
// layout of QEMU virt, so that a guest's device tree looks familiar. The
// devices are VMM-side (kvmtool's): every register access is an MMIO exit to
// userspace, and a queue notification is one of them.
#include <cstdio>

#include "hyp/disk_image.h"
#include "hyp/virtio_blk.h"
#include "hyp/virtio_mmio.h"
#include "hyp/virtio_rng.h"
#include "hyp/vm.h"

namespace rvh::hyp {
namespace {

// The VM's guest RAM as the devices see it: nothing else is reachable.
class VmGuestMemory : public virtio::GuestMemory {
 public:
  explicit VmGuestMemory(Vm& vm) : vm_(vm) {}
  bool read(uint64_t gpa, void* buf, uint64_t len) override { return vm_.read_guest_physical(gpa, buf, len); }
  bool write(uint64_t gpa, const void* buf, uint64_t len) override {
    return vm_.write_guest_physical(gpa, buf, len);
  }

 private:
  Vm& vm_;
};

}  // namespace

void Vm::create_virtio_devices() {
  guest_memory_ = std::make_unique<VmGuestMemory>(*this);
  const std::string prefix = name.empty() ? std::string() : name + " ";
  const bool event_idx = config_.costs.virtio_event_idx != 0;
  auto add = [&](std::unique_ptr<virtio::Device> device) {
    const unsigned source = 1 + static_cast<unsigned>(virtio_.size());
    auto set_irq = [this, source](bool level) { set_virtual_line(source, level); };
    virtio_.push_back(std::make_unique<virtio::MmioTransport>(prefix + "virtio-" + device->kind(), std::move(device),
                                                              *guest_memory_, set_irq, event_idx, config_.hart_clock_hz));
  };
  for (size_t i = 0; i < config_.disks.size(); ++i) {
    const VirtioDiskSpec& d = config_.disks[i];
    auto disk = std::make_unique<DiskImage>(d.path, d.read_only);  // throws with one line: "disk PATH: ..."
    add(std::make_unique<VirtioBlk>(("virtio_blk" + std::to_string(i)).c_str(), std::move(disk), config_.costs));
  }
  if (config_.virtio_rng) add(std::make_unique<VirtioRng>("virtio_rng", config_.costs, config_.vmid));
}

std::vector<Vm::VirtioWindow> Vm::virtio_windows() const {
  std::vector<VirtioWindow> windows;
  for (size_t n = 0; n < virtio_.size(); ++n)
    windows.push_back({kVirtioBase + n * kVirtioStride, virtio::kMmioWindow, 1 + static_cast<unsigned>(n),
                       virtio_[n]->device().kind()});
  return windows;
}

bool Vm::virtio_access(uint64_t gpa, uint8_t* data, unsigned len, bool write, const sc_core::sc_time& delay) {
  if (gpa < kVirtioBase) return false;
  const uint64_t n = (gpa - kVirtioBase) / kVirtioStride;
  if (n >= virtio_.size()) return false;
  const uint64_t offset = (gpa - kVirtioBase) % kVirtioStride;
  if (write)
    virtio_[n]->write(offset, data, len, delay);
  else
    virtio_[n]->read(offset, data, len);
  return true;
}

const char* Vm::virtio_device_name(uint64_t gpa) const {
  if (gpa < kVirtioBase) return nullptr;
  const uint64_t n = (gpa - kVirtioBase) / kVirtioStride;
  if (n >= virtio_.size()) return nullptr;
  return virtio_[n]->device().kind() == std::string("blk") ? "virtio-blk" : "virtio-rng";
}

void Vm::shutdown_devices() {
  for (auto& t : virtio_) {
    try {
      t->shutdown();
    } catch (const std::exception& e) {  // a host write error: say so, keep going
      std::fprintf(stderr, "rvh-vp: %s: %s\n", t->name().c_str(), e.what());
    }
  }
}

nlohmann::json Vm::virtio_stats_json() const {
  nlohmann::json list = nlohmann::json::array();
  for (size_t n = 0; n < virtio_.size(); ++n) {
    nlohmann::json j = virtio_[n]->stats_json();
    j["base"] = kVirtioBase + n * kVirtioStride;
    j["plic_source"] = 1 + n;
    list.push_back(j);
  }
  return list;
}

}  // namespace rvh::hyp
