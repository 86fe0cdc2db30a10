// hyp/virtio_device.h: what a virtio device model (virtio-blk, virtio-rng)
// gives its transport (hyp/virtio_mmio.h) and gets from it. The device owns
// its queues' processing; the transport owns the registers, the feature
// negotiation, the status and the interrupt line.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <systemc>

#include "hyp/virtio_queue.h"

namespace rvh::hyp::virtio {

class Device;

// What the transport does for its device.
class TransportHooks {
 public:
  virtual ~TransportHooks() = default;
  virtual GuestMemory& memory() = 0;
  virtual SplitQueue& queue(unsigned index) = 0;
  // Used buffers were pushed on `index`: the transport asks the queue
  // whether the driver wants an interrupt, and if so sets InterruptStatus
  // bit 0 and raises the line (counted in the device's "interrupts").
  virtual void used_buffers(unsigned index) = 0;
  // The device cannot go on (a malformed chain): the transport sets
  // DEVICE_NEEDS_RESET, raises a configuration-change interrupt and prints
  // "rvh-vp: <vm> virtio-<kind>: <reason>; device stopped" once. The device
  // processes nothing more until the driver resets it.
  virtual void device_failed(const std::string& reason) = 0;
  virtual bool failed() const = 0;
  // Simulated time the device's VMM work takes, in hart cycles, for reports.
  virtual uint64_t cycles_to_ns(uint64_t cycles) const = 0;
};

// A virtio device model (§5).
class Device {
 public:
  virtual ~Device() = default;
  virtual uint32_t device_id() const = 0;  // §5: 2 block, 4 entropy
  virtual const char* kind() const = 0;    // "blk", "rng": reports and the DT node's comment
  // Device-specific feature bits (the transport adds VERSION_1, and
  // INDIRECT_DESC and EVENT_IDX where enabled).
  virtual uint64_t features() const = 0;
  virtual unsigned num_queues() const = 0;
  // The device configuration space (§4.2.2: from offset 0x100), little-endian.
  virtual void read_config(uint32_t offset, uint8_t* data, unsigned len) = 0;
  // Driver wrote DRIVER_OK with these features accepted.
  virtual void driver_ready(uint64_t accepted_features) { (void)accepted_features; }
  // QueueNotify for `index` (a guest MMIO exit). `delay` is the notifying
  // hart's local time offset: work starts at sc_time_stamp() + delay.
  virtual void queue_notify(unsigned index, const sc_core::sc_time& delay) = 0;
  // Device reset (Status written 0): forget in-flight work.
  virtual void reset() = 0;
  // The VM stops (or the run ends): finish what must reach the host
  // (virtio-blk writes its dirty blocks to the image).
  virtual void shutdown() {}
  // Counters for --stats ("virtio" per VM).
  virtual nlohmann::json stats_json() const = 0;

  void attach(TransportHooks& hooks) { hooks_ = &hooks; }

 protected:
  TransportHooks& hooks() { return *hooks_; }

 private:
  TransportHooks* hooks_ = nullptr;
};

}  // namespace rvh::hyp::virtio
