// hyp/virtio_queue.h: the split virtqueue of virtio 1.x (virtio spec v1.2
// §2.7), device side: the driver's descriptor table, available ring and
// used ring live in guest RAM; the device pops descriptor chains from the
// available ring and returns them through the used ring. Everything the
// guest wrote is checked: a chain that points outside guest RAM, loops,
// nests indirect tables, is longer than the queue or says it holds more
// than kMaxChainBytes is malformed. A malformed chain is reported (one line
// naming the queue, the descriptor and what is wrong) and the transport
// then stops the device (DEVICE_NEEDS_RESET, §2.1.2); it never reaches
// host memory outside the VM.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace rvh::hyp::virtio {

// Guest-physical memory as the device sees it (the VM's RAM; a buffer in
// unit tests). False when [gpa, gpa+len) is not entirely guest RAM.
class GuestMemory {
 public:
  virtual ~GuestMemory() = default;
  virtual bool read(uint64_t gpa, void* buf, uint64_t len) = 0;
  virtual bool write(uint64_t gpa, const void* buf, uint64_t len) = 0;
};

// Feature bits of the rings (§6): the transport offers them with the
// device's own; the queue acts on what the driver accepted.
constexpr uint64_t kFeatureIndirectDesc = 1ull << 28;  // VIRTIO_F_INDIRECT_DESC
constexpr uint64_t kFeatureEventIdx = 1ull << 29;      // VIRTIO_F_EVENT_IDX
constexpr uint64_t kFeatureVersion1 = 1ull << 32;      // VIRTIO_F_VERSION_1

// One buffer of a chain: guest-physical, already checked to be guest RAM.
struct Buffer {
  uint64_t gpa = 0;
  uint32_t len = 0;
  bool device_writable = false;  // VIRTQ_DESC_F_WRITE
};

// A chain popped from the available ring. Readable buffers come before
// writable ones (§2.7.4.2: a device-writable descriptor is never followed
// by a device-readable one; a chain that does this is malformed).
struct Chain {
  uint16_t head = 0;  // the id to give back to push_used()
  std::vector<Buffer> buffers;
  uint64_t readable_bytes = 0;
  uint64_t writable_bytes = 0;
};

class SplitQueue {
 public:
  static constexpr uint16_t kMaxSize = 1024;               // QueueNumMax the transport offers
  static constexpr uint64_t kMaxChainBytes = 64ull << 20;  // larger totals are malformed

  // --- set up by the transport (QueueNum, QueueDesc/Driver/Device, QueueReady) ---
  uint16_t size = 0;  // a power of 2, 1..kMaxSize (§2.7: split queues)
  uint64_t desc_gpa = 0, avail_gpa = 0, used_gpa = 0;
  bool ready = false;
  bool event_idx = false;      // VIRTIO_F_EVENT_IDX negotiated
  bool indirect = false;       // VIRTIO_F_INDIRECT_DESC negotiated
  std::string name = "queue";  // for reports: "vm0 virtio-blk queue 0"

  // Back to the state after a device reset (not ready, indices 0).
  void reset();

  enum class Pop { kEmpty, kChain, kMalformed };
  // Takes the next available chain. kMalformed sets `error` (one line);
  // the queue is then broken and the caller stops the device.
  Pop pop(GuestMemory& mem, Chain& out, std::string& error);
  // Returns a chain: writes the used element (head, bytes written into its
  // writable buffers) and publishes the used index. False (with `error`) if
  // the used ring is not guest RAM.
  bool push_used(GuestMemory& mem, uint16_t head, uint32_t written, std::string& error);

  // Whether the driver wants a used-buffer notification (an interrupt) for
  // what was pushed since the last call: with EVENT_IDX, if used_event was
  // crossed (§2.7.10 vring_need_event); without, unless the driver set
  // VIRTQ_AVAIL_F_NO_INTERRUPT. Call once after a batch of push_used().
  bool needs_interrupt(GuestMemory& mem);

  // Driver notifications (§2.7.10): with EVENT_IDX the device writes
  // avail_event; `enable` asks for a notification at the next chain made
  // available, `disable` (while the device works through the ring anyway)
  // leaves it where it is. Without EVENT_IDX the device never suppresses
  // notifications (as kvmtool). Returns false if the used ring is not RAM.
  bool enable_notifications(GuestMemory& mem);
  // Whether the driver has made chains available that are not popped yet.
  bool has_available(GuestMemory& mem);

  uint16_t last_avail() const { return last_avail_; }
  uint16_t used_idx() const { return used_idx_; }

 private:
  uint16_t last_avail_ = 0;  // next available-ring slot to pop
  uint16_t used_idx_ = 0;    // our used.idx
  uint16_t signalled_used_ = 0;  // used_idx_ when needs_interrupt() last ran
};

}  // namespace rvh::hyp::virtio
