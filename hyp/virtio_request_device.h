// hyp/virtio_request_device.h: what virtio-blk and virtio-rng share: one
// request queue served by a SystemC thread, the VMM's I/O thread (kvmtool's).
//
// A queue notification wakes the thread at the notifying hart's local time
// (sc_time_stamp() + delay). It then drains the queue, one chain at a time:
// it pops the chain and reads what the request asks (begin()), waits the
// service time (request + ceil(bytes / 1 KiB) * per_kib hart cycles), does
// the I/O into or out of guest memory (complete()), returns the chain
// through the used ring and lets the transport decide on an interrupt. With
// the ring empty it asks the driver for the next notification and looks once
// more (§2.7.10: a chain added meanwhile would otherwise wait forever), then
// sleeps until a notification.
//
// The thread is spawned (sc_spawn) by the constructor, which may therefore
// run during elaboration or between sc_start() calls. A device reset
// abandons the request in service; a device destroyed while its thread
// waits leaves the thread asleep for good.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>
#include <systemc>

#include "hyp/virtio_device.h"

namespace rvh::hyp::virtio {

class RequestDevice : public Device {
 public:
  ~RequestDevice() override;
  unsigned num_queues() const override { return 1; }
  void queue_notify(unsigned index, const sc_core::sc_time& delay) override;
  void reset() override;

 protected:
  // `name` names the thread; `request_cycles` and `per_kib_cycles` are the
  // service time (hyp.virtio_request, hyp.virtio_per_kib).
  RequestDevice(const std::string& name, uint64_t request_cycles, uint64_t per_kib_cycles);

  // A chain was popped: check its layout and read the request (the device
  // keeps what it needs until complete()). Sets `bytes` to what the request
  // moves (its service time). False after hooks().device_failed(reason).
  virtual bool begin(const Chain& chain, uint64_t& bytes) = 0;
  // The service time has passed: perform the request. Returns the bytes
  // written into the chain's device-writable buffers (the used length).
  virtual uint32_t complete(const Chain& chain) = 0;

  // Copy `len` bytes at `offset` within the chain's device-readable bytes
  // (in chain order) to `out`, or `data` into its device-writable bytes.
  // False if the range is not in the chain or guest memory refused it.
  bool read_chain(const Chain& chain, uint64_t offset, void* out, uint64_t len);
  bool write_chain(const Chain& chain, uint64_t offset, const void* data, uint64_t len);

  // requests, device_cycles, requests_without_notification, max_chain_bytes.
  void add_service_stats(nlohmann::json& j) const;

 private:
  struct Worker;  // the thread's state; it outlives the device if need be
  std::shared_ptr<Worker> worker_;
  uint64_t request_cycles_, per_kib_cycles_;
  uint64_t notify_credit_ = 0;  // notifications not yet matched by a popped chain
  uint64_t requests_ = 0, device_cycles_ = 0, requests_without_notification_ = 0, max_chain_bytes_ = 0;

  static void run(std::shared_ptr<Worker> worker);
  void drain(Worker& worker);
  // Calls `copy` for each piece of [offset, offset+len) of the chain's
  // readable (or writable) bytes: its guest address, the bytes before it
  // in the range, its length.
  static bool for_chain_range(const Chain& chain, bool writable, uint64_t offset, uint64_t len,
                              const std::function<bool(uint64_t gpa, uint64_t done, uint64_t n)>& copy);
};

}  // namespace rvh::hyp::virtio
