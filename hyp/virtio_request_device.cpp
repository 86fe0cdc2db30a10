// hyp/virtio_request_device.cpp: the request thread of virtio-blk and
// virtio-rng (hyp/virtio_request_device.h).
#define SC_INCLUDE_DYNAMIC_PROCESSES  // sc_spawn: devices are created during elaboration or later
#include "hyp/virtio_request_device.h"

#include <algorithm>

namespace rvh::hyp::virtio {

struct RequestDevice::Worker {
  RequestDevice* owner = nullptr;  // null once the device is destroyed
  sc_core::sc_event wake;
  bool pending = false;           // a notification not yet acted on
  sc_core::sc_time pending_at;    // when the earliest of them is due
  uint64_t generation = 0;        // bumped by a device reset
};

RequestDevice::RequestDevice(const std::string& name, uint64_t request_cycles, uint64_t per_kib_cycles)
    : worker_(std::make_shared<Worker>()), request_cycles_(request_cycles), per_kib_cycles_(per_kib_cycles) {
  worker_->owner = this;
  std::shared_ptr<Worker> w = worker_;
  sc_core::sc_spawn([w] { run(w); }, sc_core::sc_gen_unique_name(name.c_str()));
}

RequestDevice::~RequestDevice() { worker_->owner = nullptr; }

void RequestDevice::queue_notify(unsigned index, const sc_core::sc_time& delay) {
  if (index != 0) return;
  ++notify_credit_;
  const sc_core::sc_time at = sc_core::sc_time_stamp() + delay;
  if (!worker_->pending || at < worker_->pending_at) worker_->pending_at = at;
  worker_->pending = true;
  worker_->wake.notify(delay);
}

void RequestDevice::reset() {
  ++worker_->generation;
  worker_->pending = false;
  notify_credit_ = 0;
}

void RequestDevice::run(std::shared_ptr<Worker> w) {
  for (;;) {
    if (!w->owner) return;
    if (!w->pending) {
      sc_core::wait(w->wake);
      continue;
    }
    const sc_core::sc_time now = sc_core::sc_time_stamp();
    if (w->pending_at > now) {
      sc_core::wait(w->pending_at - now, w->wake);  // an earlier notification may come meanwhile
      continue;
    }
    w->pending = false;
    w->owner->drain(*w);  // returns at once if the device went away while it waited
  }
}

void RequestDevice::drain(Worker& w) {
  const uint64_t generation = w.generation;
  SplitQueue& queue = hooks().queue(0);
  GuestMemory& memory = hooks().memory();
  for (;;) {
    if (hooks().failed() || !queue.ready) return;
    Chain chain;
    std::string error;
    const SplitQueue::Pop popped = queue.pop(memory, chain, error);
    if (popped == SplitQueue::Pop::kMalformed) {
      hooks().device_failed(error);
      return;
    }
    if (popped == SplitQueue::Pop::kEmpty) {
      // §2.7.10: ask for the next notification, then look once more for a
      // chain the driver added before it could see that request.
      if (!queue.enable_notifications(memory)) {
        hooks().device_failed(queue.name + ": the used ring is not guest RAM");
        return;
      }
      if (queue.has_available(memory)) continue;
      notify_credit_ = 0;  // notifications that found nothing new
      return;
    }
    ++requests_;
    if (notify_credit_ > 0)
      --notify_credit_;
    else
      ++requests_without_notification_;
    max_chain_bytes_ = std::max(max_chain_bytes_, chain.readable_bytes + chain.writable_bytes);

    uint64_t bytes = 0;
    if (!begin(chain, bytes)) return;
    const uint64_t cycles = request_cycles_ + (bytes + 1023) / 1024 * per_kib_cycles_;
    device_cycles_ += cycles;
    sc_core::wait(sc_core::sc_time(static_cast<double>(hooks().cycles_to_ns(cycles)), sc_core::SC_NS));
    if (!w.owner || w.generation != generation) return;  // destroyed or reset meanwhile: forget the request

    const uint32_t written = complete(chain);
    if (hooks().failed()) return;
    if (!queue.push_used(memory, chain.head, written, error)) {
      hooks().device_failed(error);
      return;
    }
    hooks().used_buffers(0);
  }
}

bool RequestDevice::for_chain_range(const Chain& chain, bool writable, uint64_t offset, uint64_t len,
                                    const std::function<bool(uint64_t gpa, uint64_t done, uint64_t n)>& copy) {
  uint64_t skip = offset, done = 0;  // skip: bytes of this direction before the range
  for (const Buffer& b : chain.buffers) {
    if (done == len) break;
    if (b.device_writable != writable) continue;
    if (skip >= b.len) {
      skip -= b.len;
      continue;
    }
    const uint64_t n = std::min<uint64_t>(b.len - skip, len - done);
    if (!copy(b.gpa + skip, done, n)) return false;
    done += n;
    skip = 0;
  }
  return done == len;
}

bool RequestDevice::read_chain(const Chain& chain, uint64_t offset, void* out, uint64_t len) {
  GuestMemory& memory = hooks().memory();
  uint8_t* host = static_cast<uint8_t*>(out);
  return for_chain_range(chain, false, offset, len,
                         [&](uint64_t gpa, uint64_t done, uint64_t n) { return memory.read(gpa, host + done, n); });
}

bool RequestDevice::write_chain(const Chain& chain, uint64_t offset, const void* data, uint64_t len) {
  GuestMemory& memory = hooks().memory();
  const uint8_t* host = static_cast<const uint8_t*>(data);
  return for_chain_range(chain, true, offset, len,
                         [&](uint64_t gpa, uint64_t done, uint64_t n) { return memory.write(gpa, host + done, n); });
}

void RequestDevice::add_service_stats(nlohmann::json& j) const {
  j["requests_total"] = requests_;
  j["device_cycles"] = device_cycles_;
  j["requests_without_notification"] = requests_without_notification_;
  j["max_chain_bytes"] = max_chain_bytes_;
}

}  // namespace rvh::hyp::virtio
