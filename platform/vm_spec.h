// platform/vm_spec.h: one --vm KEY=VALUE[,KEY=VALUE...] (docs/options.md
// "Several VMs"), parsed without opening anything: one VM of the hosted
// hypervisor (issue 14). Several --vm run several VMs on shared harts.
//
// Syntax: comma-separated KEY=VALUE items, each split at its first '=' (a
// value may hold '='). Two values may hold commas:
//   console=SPEC  the items right after it that are a console flag (server,
//                 wait, nowait, server=on|off, wait=on|off) belong to SPEC:
//                 console=unix:/tmp/vm0.sock,server,nowait,smp=2
//   append=ARGS   must be the last key: ARGS is the rest of the text, as is,
//                 commas included: append=console=hvc0,115200 root=/dev/vda
//   disk=PATH     may be followed by the item `ro` (read-only disk):
//                 disk=/img/root.ext4,ro; disk= may be given several times
// A kernel, config, disk or file: path cannot hold a comma.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "platform/console_spec.h"

namespace rvh {

constexpr unsigned kMaxVms = 8;                  // --vm given at most this often
constexpr unsigned kMaxVcpusPerVm = 8;           // smp=1..8
constexpr uint64_t kMinVmMemory = 2ull << 20;    // mem= at least 2 MiB...
constexpr uint64_t kMaxVmMemory = 16ull << 30;   // ...at most 16 GiB (as --guest-memory)
constexpr unsigned kMaxVirtioDevices = 8;        // disks + rng per VM (PLIC sources 1..8)


// One --vm: one VM of the hosted hypervisor.
struct VmSpec {
  std::string kernel;                 // kernel=PATH (required)
  uint64_t memory = 0;                // mem=SIZE (parse_size syntax, e.g. 64M); 0: --guest-memory's value
  unsigned smp = 0;                   // smp=N vCPUs, 1..8; 0: 1
  std::optional<std::string> append;  // append=ARGS (the guest's /chosen/bootargs)
  std::optional<SerialSpec> console;  // console=SPEC (platform/console_spec.h syntax)
  std::string config;                 // config=FILE.json: hyp.* keys for this VM only (like --hyp-costs)
  struct Disk {
    std::string path;
    bool read_only = false;
  };
  std::vector<Disk> disks;            // disk=PATH[,ro], in order: /dev/vda, /dev/vdb... (docs/io.md)
  bool rng = false;                   // rng=on: a virtio entropy device
  std::string text;                   // as written, for messages
};

// --disk PATH[,ro]: a trailing ",ro" makes the disk read-only. Throws
// UsageError for an empty path; `what` names the option in the message.
VmSpec::Disk parse_disk_spec(const std::string& text, const std::string& what);

// Throws UsageError (platform/options.h), one line naming the --vm text and
// the fix, e.g. "--vm kernel=a.elf,mem=12Q: bad size; use e.g. 128M, 1G".
VmSpec parse_vm_spec(const std::string& text);

// The syntax, for messages and --help.
extern const char* const kVmSyntax;

}  // namespace rvh
