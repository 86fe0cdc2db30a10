// hyp/virtio_mmio.h: the virtio-mmio transport, modern interface only
// (virtio spec v1.2 §4.2.2, Version 2), one per virtio device of a VM. It
// sits in the VM's device set at a 4 KiB window (the DT
// node is "virtio,mmio"); the guest's accesses reach it as MMIO exits.
// QueueNotify writes are the driver's notifications; the used-buffer and
// configuration-change interrupts drive one source of the VM's virtual PLIC.
//
// Register map (offsets, 32-bit little-endian, 4-byte aligned accesses only;
// the configuration space from 0x100 takes 1, 2 and 4 byte accesses):
//   0x000 MagicValue "virt"   0x004 Version 2        0x008 DeviceID
//   0x00c VendorID            0x010 DeviceFeatures   0x014 DeviceFeaturesSel
//   0x020 DriverFeatures      0x024 DriverFeaturesSel
//   0x030 QueueSel  0x034 QueueNumMax  0x038 QueueNum  0x044 QueueReady
//   0x050 QueueNotify         0x060 InterruptStatus  0x064 InterruptACK
//   0x070 Status              0x080/0x084 QueueDescLow/High
//   0x090/0x094 QueueDriverLow/High   0x0a0/0x0a4 QueueDeviceLow/High
//   0x0fc ConfigGeneration    0x100+ device configuration
// A bad access (width, alignment, unknown offset, a write to a read-only
// register) reads 0 / is ignored, as QEMU does; it does not stop the guest.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "hyp/virtio_device.h"

namespace rvh::hyp::virtio {

constexpr uint64_t kMmioWindow = 0x1000;  // registers, configuration space, then reads 0

class MmioTransport : public TransportHooks {
 public:
  // `name` is "virtio-blk" or "vm1 virtio-blk" for reports; `set_irq` drives
  // the VM's virtual PLIC source; `event_idx` offers VIRTIO_F_EVENT_IDX
  // (hyp.virtio_event_idx); `hart_hz` converts device cycles for reports.
  MmioTransport(std::string name, std::unique_ptr<Device> device, GuestMemory& memory,
                std::function<void(bool)> set_irq, bool event_idx, uint64_t hart_hz);

  // Register access from a guest MMIO exit. `delay` is the hart's local
  // time offset (passed on to Device::queue_notify).
  void read(uint64_t offset, uint8_t* data, unsigned len);
  void write(uint64_t offset, const uint8_t* data, unsigned len, const sc_core::sc_time& delay);
  // Whether this write is a queue notification (counted as such in the exit).
  static bool is_notify(uint64_t offset) { return offset == 0x050; }

  Device& device() { return *device_; }
  const std::string& name() const { return name_; }
  void shutdown() { device_->shutdown(); }
  // {"device": "blk", "notifications": N, "interrupts": N, "device_failed": bool,
  //  "features": accepted, ...device's own counters}
  nlohmann::json stats_json() const;

  // TransportHooks
  GuestMemory& memory() override { return memory_; }
  SplitQueue& queue(unsigned index) override { return queues_.at(index); }
  void used_buffers(unsigned index) override;
  void device_failed(const std::string& reason) override;
  bool failed() const override { return failed_; }
  uint64_t cycles_to_ns(uint64_t cycles) const override;

 private:
  std::string name_;
  std::unique_ptr<Device> device_;
  GuestMemory& memory_;
  std::function<void(bool)> set_irq_;
  bool offer_event_idx_;
  uint64_t hart_hz_;
  std::vector<SplitQueue> queues_;
  uint32_t device_features_sel_ = 0, driver_features_sel_ = 0, queue_sel_ = 0;
  uint64_t driver_features_ = 0;
  uint32_t status_ = 0, interrupt_status_ = 0, config_generation_ = 0;
  bool failed_ = false;
  bool irq_level_ = false;  // the line as last driven through set_irq_
  uint64_t notifications_ = 0, interrupts_ = 0;

  uint64_t offered_features() const;
  void reset();
  void update_irq();
};

}  // namespace rvh::hyp::virtio
