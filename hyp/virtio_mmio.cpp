// hyp/virtio_mmio.cpp: the virtio-mmio transport, Version 2 (virtio spec
// v1.2 §4.2.2): registers, feature negotiation (§3.1.1), device status
// (§2.1), queue setup and the interrupt line. The register map is in
// hyp/virtio_mmio.h.
#include "hyp/virtio_mmio.h"

#include <cstdio>
#include <cstring>

namespace rvh::hyp::virtio {
namespace {

constexpr uint32_t kMagic = 0x74726976;   // "virt"
constexpr uint32_t kVersion = 2;          // modern (non-legacy) interface
constexpr uint32_t kVendorId = 0x56525648;  // "HVRV" in memory order

enum Reg : uint64_t {
  kMagicValue = 0x000, kVersionReg = 0x004, kDeviceId = 0x008, kVendorIdReg = 0x00c,
  kDeviceFeatures = 0x010, kDeviceFeaturesSel = 0x014, kDriverFeatures = 0x020,
  kDriverFeaturesSel = 0x024, kQueueSel = 0x030, kQueueNumMax = 0x034, kQueueNum = 0x038,
  kQueueReady = 0x044, kQueueNotify = 0x050, kInterruptStatus = 0x060, kInterruptAck = 0x064,
  kStatus = 0x070, kQueueDescLow = 0x080, kQueueDescHigh = 0x084, kQueueDriverLow = 0x090,
  kQueueDriverHigh = 0x094, kQueueDeviceLow = 0x0a0, kQueueDeviceHigh = 0x0a4,
  kConfigGeneration = 0x0fc, kConfig = 0x100,
};

// Device status bits (§2.1).
constexpr uint32_t kStatusFeaturesOk = 8, kStatusDriverOk = 4, kStatusNeedsReset = 0x40;
// InterruptStatus bits (§4.2.2).
constexpr uint32_t kIntUsedBuffer = 1, kIntConfigChange = 2;

void set_half(uint64_t& v, bool high, uint32_t half) {
  const unsigned shift = high ? 32 : 0;
  v = (v & ~(uint64_t{0xffffffff} << shift)) | (uint64_t{half} << shift);
}

}  // namespace

MmioTransport::MmioTransport(std::string name, std::unique_ptr<Device> device, GuestMemory& memory,
                             std::function<void(bool)> set_irq, bool event_idx, uint64_t hart_hz)
    : name_(std::move(name)),
      device_(std::move(device)),
      memory_(memory),
      set_irq_(std::move(set_irq)),
      offer_event_idx_(event_idx),
      hart_hz_(hart_hz),
      queues_(device_->num_queues()) {
  for (size_t i = 0; i < queues_.size(); ++i) queues_[i].name = name_ + " queue " + std::to_string(i);
  device_->attach(*this);
}

uint64_t MmioTransport::offered_features() const {
  return device_->features() | kFeatureVersion1 | kFeatureIndirectDesc |
         (offer_event_idx_ ? kFeatureEventIdx : 0);
}

void MmioTransport::read(uint64_t offset, uint8_t* data, unsigned len) {
  std::memset(data, 0, len);
  if (offset >= kConfig) {
    // §4.2.2.2: configuration fields are read with aligned 1/2/4-byte accesses.
    if ((len == 1 || len == 2 || len == 4) && offset % len == 0 && offset + len <= kMmioWindow)
      device_->read_config(static_cast<uint32_t>(offset - kConfig), data, len);
    return;
  }
  if (len != 4 || offset % 4 != 0) return;
  const bool has_queue = queue_sel_ < queues_.size();
  const SplitQueue* q = has_queue ? &queues_[queue_sel_] : nullptr;
  uint32_t v = 0;
  switch (offset) {
    case kMagicValue: v = kMagic; break;
    case kVersionReg: v = kVersion; break;
    case kDeviceId: v = device_->device_id(); break;
    case kVendorIdReg: v = kVendorId; break;
    case kDeviceFeatures:
      if (device_features_sel_ < 2)
        v = static_cast<uint32_t>(offered_features() >> (32 * device_features_sel_));
      break;
    case kQueueNumMax: v = has_queue ? SplitQueue::kMaxSize : 0; break;
    case kQueueNum: v = q ? q->size : 0; break;
    case kQueueReady: v = q && q->ready; break;
    case kInterruptStatus: v = interrupt_status_; break;
    case kStatus: v = status_; break;
    case kQueueDescLow: v = q ? static_cast<uint32_t>(q->desc_gpa) : 0; break;
    case kQueueDescHigh: v = q ? static_cast<uint32_t>(q->desc_gpa >> 32) : 0; break;
    case kQueueDriverLow: v = q ? static_cast<uint32_t>(q->avail_gpa) : 0; break;
    case kQueueDriverHigh: v = q ? static_cast<uint32_t>(q->avail_gpa >> 32) : 0; break;
    case kQueueDeviceLow: v = q ? static_cast<uint32_t>(q->used_gpa) : 0; break;
    case kQueueDeviceHigh: v = q ? static_cast<uint32_t>(q->used_gpa >> 32) : 0; break;
    case kConfigGeneration: v = config_generation_; break;
    default: break;
  }
  for (unsigned i = 0; i < 4; ++i) data[i] = static_cast<uint8_t>(v >> (8 * i));
}

void MmioTransport::write(uint64_t offset, const uint8_t* data, unsigned len,
                          const sc_core::sc_time& delay) {
  // The configuration space of our devices is read-only; bad widths are ignored.
  if (offset >= kConfig || len != 4 || offset % 4 != 0) return;
  uint32_t v = 0;
  for (unsigned i = 0; i < 4; ++i) v |= uint32_t{data[i]} << (8 * i);
  SplitQueue* q = queue_sel_ < queues_.size() ? &queues_[queue_sel_] : nullptr;
  // §4.2.2.3: a queue's size and addresses are set while it is not ready.
  SplitQueue* setup = q && !q->ready ? q : nullptr;
  switch (offset) {
    case kDeviceFeaturesSel: device_features_sel_ = v; break;
    case kDriverFeatures:
      // §2.2.2: no feature changes once FEATURES_OK is set.
      if (driver_features_sel_ < 2 && !(status_ & kStatusFeaturesOk))
        set_half(driver_features_, driver_features_sel_ == 1, v);
      break;
    case kDriverFeaturesSel: driver_features_sel_ = v; break;
    case kQueueSel: queue_sel_ = v; break;
    case kQueueNum:
      if (setup && v != 0 && v <= SplitQueue::kMaxSize && (v & (v - 1)) == 0)
        setup->size = static_cast<uint16_t>(v);
      break;
    case kQueueReady:
      if (q && v == 1 && q->size != 0) q->ready = true;
      else if (q && v == 0) q->ready = false;
      break;
    case kQueueNotify:
      ++notifications_;
      // §2.1.2: the device uses no buffers before DRIVER_OK nor after failing.
      if ((status_ & kStatusDriverOk) && !failed_ && v < queues_.size())
        device_->queue_notify(v, delay);
      break;
    case kInterruptAck:
      interrupt_status_ &= ~v;
      update_irq();
      break;
    case kStatus: {
      if (v == 0) {
        reset();
        break;
      }
      uint32_t status = v;
      // §3.1.1: FEATURES_OK stays set only for a subset of what we offer
      // that includes VERSION_1 (no legacy interface here).
      if ((status & kStatusFeaturesOk) && !(status_ & kStatusFeaturesOk) &&
          ((driver_features_ & ~offered_features()) != 0 ||
           !(driver_features_ & kFeatureVersion1)))
        status &= ~kStatusFeaturesOk;
      if ((status & kStatusDriverOk) && !(status & kStatusFeaturesOk)) status &= ~kStatusDriverOk;
      if (failed_) status |= kStatusNeedsReset;
      const bool driver_ok_now = (status & kStatusDriverOk) && !(status_ & kStatusDriverOk);
      status_ = status;
      if (driver_ok_now) {
        for (SplitQueue& queue : queues_) {
          queue.event_idx = driver_features_ & kFeatureEventIdx;
          queue.indirect = driver_features_ & kFeatureIndirectDesc;
        }
        device_->driver_ready(driver_features_);
      }
      break;
    }
    case kQueueDescLow: if (setup) set_half(setup->desc_gpa, false, v); break;
    case kQueueDescHigh: if (setup) set_half(setup->desc_gpa, true, v); break;
    case kQueueDriverLow: if (setup) set_half(setup->avail_gpa, false, v); break;
    case kQueueDriverHigh: if (setup) set_half(setup->avail_gpa, true, v); break;
    case kQueueDeviceLow: if (setup) set_half(setup->used_gpa, false, v); break;
    case kQueueDeviceHigh: if (setup) set_half(setup->used_gpa, true, v); break;
    default: break;  // read-only or unknown
  }
}

void MmioTransport::reset() {
  device_->reset();
  for (SplitQueue& queue : queues_) queue.reset();
  device_features_sel_ = driver_features_sel_ = queue_sel_ = 0;
  driver_features_ = 0;
  status_ = 0;
  interrupt_status_ = 0;
  failed_ = false;
  update_irq();
}

void MmioTransport::update_irq() {
  const bool level = interrupt_status_ != 0;
  if (level == irq_level_) return;
  irq_level_ = level;
  if (set_irq_) set_irq_(level);
}

void MmioTransport::used_buffers(unsigned index) {
  if (!queue(index).needs_interrupt(memory_)) return;
  interrupt_status_ |= kIntUsedBuffer;
  ++interrupts_;
  update_irq();
}

void MmioTransport::device_failed(const std::string& reason) {
  if (failed_) return;
  failed_ = true;
  // §2.1.2: DEVICE_NEEDS_RESET, and a configuration change notification.
  status_ |= kStatusNeedsReset;
  interrupt_status_ |= kIntConfigChange;
  ++interrupts_;
  update_irq();
  // The queue's reports already start with our name ("vm0 virtio-blk queue 0: ...").
  const bool named = reason.compare(0, name_.size(), name_) == 0;
  std::fprintf(stderr, "rvh-vp: %s%s%s; device stopped\n", named ? "" : name_.c_str(),
               named ? "" : ": ", reason.c_str());
}

uint64_t MmioTransport::cycles_to_ns(uint64_t cycles) const {
  if (hart_hz_ == 0) return 0;
  return static_cast<uint64_t>(static_cast<unsigned __int128>(cycles) * 1000000000u / hart_hz_);
}

nlohmann::json MmioTransport::stats_json() const {
  nlohmann::json j = {
      {"device", device_->kind()},
      {"notifications", notifications_},
      {"interrupts", interrupts_},
      {"device_failed", failed_},
      {"features", (status_ & kStatusFeaturesOk) ? driver_features_ : 0},
  };
  const nlohmann::json own = device_->stats_json();
  if (own.is_object())
    for (auto it = own.begin(); it != own.end(); ++it)
      if (!j.contains(it.key())) j[it.key()] = it.value();
  return j;
}

}  // namespace rvh::hyp::virtio
