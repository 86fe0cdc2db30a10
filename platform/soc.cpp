// platform/soc.cpp: see soc.h.
#include "platform/soc.h"

#include <algorithm>
#include <cstdio>
#include <iostream>

#include "platform/console.h"
#include "platform/device_tree.h"
#include "platform/file_io.h"
#include "platform/run_report.h"

namespace rvh {
namespace {
constexpr uint64_t kKernelLoadAddress = memmap::kRamBase + 0x200000;
constexpr uint64_t k2MiB = 2ull << 20;

sc_core::sc_time ns(uint64_t v) { return sc_core::sc_time(static_cast<double>(v), sc_core::SC_NS); }

Uart16550Options uart_options(const SocParams& p) {
  Uart16550Options o;
  o.drop_early = p.serial_drop_early;
  o.access_latency = ns(p.timing.uart_latency_ns);
  return o;
}

// The platform configuration with the clock and timebase of the timing
// configuration (the device tree describes them).
SocParams with_timing(SocParams p) {
  p.config.hart_clock_hz = p.timing.hart_clock_hz;
  p.config.timebase_hz = p.timing.timebase_hz;
  return p;
}
}  // namespace

Soc::Soc(sc_core::sc_module_name name, const SocParams& params)
    : sc_core::sc_module(name),
      params_(with_timing(params)),
      bus_("bus", ns(params_.timing.bus_latency_ns)),
      rom_("boot_rom", memmap::kBootRomSize, true, ns(params_.timing.rom_latency_ns), ns(params_.timing.rom_latency_ns)),
      ram_("ram", params_.config.ram_size, false,
           MemoryLatency{ns(params_.timing.ram_read_ns), ns(params_.timing.ram_write_ns),
                         ns(params_.timing.ram_dmi_read_ns), ns(params_.timing.ram_dmi_write_ns)}),
      clint_("clint", params_.config.num_harts, params_.config.timebase_hz, ns(params_.timing.clint_latency_ns)),
      plic_("plic", params_.config.num_harts, memmap::kPlicNumSources, 3,
            ns(params_.timing.plic_latency_ns)),
      uart_("uart0", uart_options(params_)),
      finisher_("test_finisher", ns(params_.timing.finisher_latency_ns)),
      msip_("msip", params.config.num_harts),
      mtip_("mtip", params.config.num_harts),
      meip_("meip", params.config.num_harts),
      seip_("seip", params.config.num_harts),
      plic_sources_("plic_source", memmap::kPlicNumSources + 1) {
  const PlatformConfig& cfg = params_.config;

  // Address map (order of init_socket binding = port numbers).
  bus_.map("boot_rom", memmap::kBootRomBase, memmap::kBootRomSize);
  bus_.init_socket.bind(rom_.socket);
  bus_.map("test_finisher", memmap::kFinisherBase, memmap::kFinisherSize);
  bus_.init_socket.bind(finisher_.socket);
  bus_.map("clint", memmap::kClintBase, memmap::kClintSize);
  bus_.init_socket.bind(clint_.socket);
  bus_.map("plic", memmap::kPlicBase, memmap::kPlicSize);
  bus_.init_socket.bind(plic_.socket);
  bus_.map("uart0", memmap::kUart0Base, memmap::kUart0Size);
  bus_.init_socket.bind(uart_.socket);
  bus_.map("ram", memmap::kRamBase, cfg.ram_size);
  bus_.init_socket.bind(ram_.socket);

  // Interrupts: PLIC sources (UART0 is source 10), PLIC contexts 2h (M) and
  // 2h+1 (S), CLINT MSIP/MTIP per hart.
  for (unsigned i = 0; i <= memmap::kPlicNumSources; ++i) {
    if (i == memmap::kUart0Irq) continue;
    plic_.irq_in[i].bind(plic_sources_[i]);
  }
  uart_.irq.bind(plic_sources_[memmap::kUart0Irq]);
  plic_.irq_in[memmap::kUart0Irq].bind(plic_sources_[memmap::kUart0Irq]);

  for (unsigned h = 0; h < cfg.num_harts; ++h) {
    HartConfig hc;
    hc.hart_id = h;
    hc.reset_pc = memmap::kBootRomBase;
    hc.clock_hz = cfg.hart_clock_hz;
    hc.timebase_hz = cfg.timebase_hz;
    hc.cpi = params_.timing.cpi;
    hc.quantum = ns(params_.timing.quantum_ns);
    hc.quantum_insns = params_.timing.quantum_insns;
    hc.max_insns = params_.max_insns;
    hc.jit_threshold = params_.jit_threshold;
    hc.jit_async = params_.jit_async;
    auto hart = std::make_unique<Hart>(("hart" + std::to_string(h)).c_str(), hc);
    hart->bus.bind(bus_.targ_socket);
    clint_.msip_irq[h].bind(msip_[h]);
    clint_.mtip_irq[h].bind(mtip_[h]);
    plic_.ctx_irq[2 * h].bind(meip_[h]);
    plic_.ctx_irq[2 * h + 1].bind(seip_[h]);
    hart->irq_msip.bind(msip_[h]);
    hart->irq_mtip.bind(mtip_[h]);
    hart->irq_meip.bind(meip_[h]);
    hart->irq_seip.bind(seip_[h]);
    hart->read_mtime = [this](const sc_core::sc_time& t) { return clint_.mtime_at(t); };
    hart->mtime_instant = [this](uint64_t value) {  // counted from time zero: instants in the past too
      bool ok = false;
      const sc_core::sc_time t = clint_.time_of_mtime(value, sc_core::SC_ZERO_TIME, ok);
      return ok ? t : sc_core::sc_max_time();
    };
    hart->on_insn_limit = [this](Hart&) {
      if (++harts_at_limit_ == params_.config.num_harts) finish(0, "insn-limit");
    };
    if (!harts_.empty()) hart->share_block_cache(*harts_.front());  // the same code: blocks built once
    harts_.push_back(std::move(hart));
  }

  finisher_.set_callback([this](FinisherEvent ev) {
    switch (ev.kind) {
      case FinisherEvent::Kind::Pass: finish(0, "pass"); break;
      case FinisherEvent::Kind::Fail: finish(static_cast<int>(ev.code), "fail"); break;
      case FinisherEvent::Kind::Reset: finish(0, "reset"); break;
    }
  });
  init_wake_check();
  if (params_.read_stdin) {
    ConsoleHooks hooks;
    hooks.quit = [this] { finish(0, "quit"); };
    hooks.stats = [this] {
      RunReport report = make_run_report(*this, 0.0);
      report.in_progress = true;
      print_run_summary(report, std::cerr);
    };
    console_ = std::make_unique<Console>(ConsoleSettings{}, uart_, std::move(hooks));
  }
  if (params.trace) {
    commit_log_ = std::make_unique<CommitLog>(stderr, CommitLog::Settings{}, &symbols_);
    for (auto& h : harts_) commit_log_->attach(*h);
  }
}

Soc::~Soc() = default;

void Soc::start_of_simulation() {
  if (console_) console_->open();
}

void Soc::finish(int code, const std::string& reason) {
  if (finished_) return;
  finished_ = true;
  result_.exit_code = code;
  result_.reason = reason;
  sc_core::sc_stop();
}

MemoryWriter Soc::ram_writer() {
  return [this](uint64_t addr, const uint8_t* data, uint64_t size) {
    if (addr < memmap::kRamBase) return false;
    return ram_.write(addr - memmap::kRamBase, data, size);
  };
}

static std::string ram_name(const PlatformConfig& cfg) {
  return describe_region("RAM", memmap::kRamBase, cfg.ram_size);
}

void Soc::load_firmware(const std::string& bios, const std::string& kernel, const std::string& initrd) {
  const PlatformConfig& cfg = params_.config;
  LoadedImage fw = is_elf_file(bios) ? load_elf(bios, ram_writer(), ram_name(cfg))
                                     : load_raw(bios, memmap::kRamBase, ram_writer(), ram_name(cfg));
  symbols_ = fw.symbols;
  start_address_ = memmap::kRamBase;
  if (is_elf_file(bios)) start_address_ = fw.entry;
  if (!kernel.empty()) {
    LoadedImage k = is_elf_file(kernel) ? load_elf(kernel, ram_writer(), ram_name(cfg))
                                        : load_raw(kernel, kKernelLoadAddress, ram_writer(), ram_name(cfg));
    if (!initrd.empty()) {
      const uint64_t start = std::max<uint64_t>((k.highest + 0xfff) & ~0xfffull,
                                                memmap::kRamBase + std::min<uint64_t>(cfg.ram_size / 2, 128ull << 20));
      LoadedImage rd = load_raw(initrd, start, ram_writer(), ram_name(cfg));
      params_.config.initrd_start = rd.lowest;
      params_.config.initrd_end = rd.highest;
    }
  }
  write_boot_rom(start_address_);
}

void Soc::load_bare_elf(const std::string& path) {
  LoadedImage img = load_elf(path, ram_writer(), ram_name(params_.config));
  symbols_ = img.symbols;
  start_address_ = img.entry;
  write_boot_rom(start_address_);
  if (img.tohost) {
    const uint64_t fromhost = img.fromhost ? *img.fromhost : 0;
    htif_ = std::make_unique<Htif>("htif", ram_, memmap::kRamBase, *img.tohost, fromhost,
                                   [this](int code) { finish(code, "htif"); });
  }
}

void Soc::place_device_tree(const std::string& dtb_file, const std::string& dump_path) {
  OutputFile dump;
  if (!dump_path.empty()) dump = OutputFile::open("", dump_path);
  place_device_tree(dtb_file, dump.is_open() ? &dump : nullptr);
}

void Soc::place_device_tree(const std::string& dtb_file, OutputFile* dump) {
  PlatformConfig& cfg = params_.config;
  std::vector<uint8_t> blob = dtb_file.empty() ? build_device_tree(cfg) : read_dtb_file(dtb_file);
  // As QEMU virt: at the end of RAM (below 3 GiB), aligned down to 2 MiB.
  const uint64_t ram_end = std::min<uint64_t>(memmap::kRamBase + cfg.ram_size, 0xc0000000ull);
  uint64_t addr = (ram_end - blob.size()) & ~(k2MiB - 1);
  if (addr < memmap::kRamBase) addr = (ram_end - blob.size()) & ~7ull;
  cfg.dtb_addr = addr;
  if (!ram_.write(addr - memmap::kRamBase, blob.data(), blob.size()))
    throw LoadError("device tree (" + std::to_string(blob.size()) + " bytes) does not fit in " + ram_name(cfg));
  if (dump) dump->write_all(blob.data(), blob.size());
  write_boot_rom(start_address_);
}

// The reset vector: a0 = mhartid, a1 = DTB address, jump to the start address.
void Soc::write_boot_rom(uint64_t start) {
  const uint32_t code[] = {
      0x00000297,  // auipc t0, 0
      0xf1402573,  // csrr  a0, mhartid
      0x0202b583,  // ld    a1, 32(t0)
      0x0182b283,  // ld    t0, 24(t0)
      0x00028067,  // jr    t0
      0x00000000,
  };
  uint8_t rom[40] = {};
  for (size_t i = 0; i < 6; ++i)
    for (int b = 0; b < 4; ++b) rom[4 * i + b] = static_cast<uint8_t>(code[i] >> (8 * b));
  for (int b = 0; b < 8; ++b) rom[24 + b] = static_cast<uint8_t>(start >> (8 * b));
  for (int b = 0; b < 8; ++b) rom[32 + b] = static_cast<uint8_t>(params_.config.dtb_addr >> (8 * b));
  rom_.write(0, rom, sizeof(rom));
}

}  // namespace rvh
