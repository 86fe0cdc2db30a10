// Tests for platform/options: sizes, defaults, QEMU spellings and the
// one-line error messages.
#include "platform/options.h"

#include <gtest/gtest.h>

#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

#include <initializer_list>
#include <string>
#include <vector>

namespace rvh {
namespace {

Options parse(std::initializer_list<const char*> args) {
  std::vector<std::string> store{"rvh-vp"};
  store.insert(store.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : store) argv.push_back(s.data());
  argv.push_back(nullptr);
  return parse_options(static_cast<int>(store.size()), argv.data());
}

// The UsageError message for `args`, or "<no error>".
std::string error_of(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

constexpr uint64_t MiB = 1ull << 20;

TEST(ParseSize, QemuSpellings) {
  EXPECT_EQ(parse_size("128M"), 128 * MiB);
  EXPECT_EQ(parse_size("128m"), 128 * MiB);
  EXPECT_EQ(parse_size("1G"), 1024 * MiB);
  EXPECT_EQ(parse_size("1g"), 1024 * MiB);
  EXPECT_EQ(parse_size("512"), 512 * MiB);  // bare number: MiB
  EXPECT_EQ(parse_size("0x8000000"), 128 * MiB);  // hex: bytes
  EXPECT_EQ(parse_size("0X8000000"), 128 * MiB);
  EXPECT_EQ(parse_size("64K"), 64 * 1024u);
  EXPECT_EQ(parse_size("64KiB"), 64 * 1024u);
  EXPECT_EQ(parse_size("2GB"), 2048 * MiB);
  EXPECT_EQ(parse_size("1T"), 1ull << 40);
  EXPECT_EQ(parse_size("1.5G"), 1536 * MiB);
  EXPECT_EQ(parse_size("0.5M"), 512 * 1024u);
  EXPECT_EQ(parse_size("4096B"), 4096u);
}

TEST(ParseSize, Errors) {
  for (const char* bad : {"", "12Q", "M", "-1", "1.", ".5G", "1..5G", "0", "0x", "0x0", "0xZZ", "1 G",
                          "1GG", "1Gi", "1.1B", "99999999999999999999", "20000000T", "1e9", "0x10M"}) {
    try {
      parse_size(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_EQ(std::string(e.what()), std::string(bad) + ": bad size; use e.g. 128M, 1G");
    }
  }
}

TEST(Options, Defaults) {
  Options o = parse({"prog.elf"});
  EXPECT_EQ(o.elf, "prog.elf");
  EXPECT_EQ(o.memory, 128 * MiB);
  EXPECT_EQ(o.smp, 1u);
  EXPECT_EQ(o.max_insns, 0u);
  EXPECT_TRUE(o.config_sets.empty());
  EXPECT_TRUE(o.config_file.empty());
  EXPECT_FALSE(o.trace);
  EXPECT_FALSE(o.no_stdin);
  EXPECT_FALSE(o.help);
  EXPECT_FALSE(o.version);
  EXPECT_TRUE(o.bios.empty());
  EXPECT_TRUE(o.kernel.empty());
  EXPECT_TRUE(o.append.empty());
  EXPECT_TRUE(o.dtb.empty());
  EXPECT_TRUE(o.dump_dtb.empty());
  EXPECT_TRUE(o.stats.empty());
}

TEST(Options, MemorySpellings) {
  EXPECT_EQ(parse({"-m", "256M", "p.elf"}).memory, 256 * MiB);
  EXPECT_EQ(parse({"-m256M", "p.elf"}).memory, 256 * MiB);
  EXPECT_EQ(parse({"--memory", "1G", "p.elf"}).memory, 1024 * MiB);
  EXPECT_EQ(parse({"--memory=1G", "p.elf"}).memory, 1024 * MiB);
  EXPECT_EQ(parse({"-m", "512", "p.elf"}).memory, 512 * MiB);
  EXPECT_EQ(parse({"-m", "0x8000000", "p.elf"}).memory, 128 * MiB);
}

TEST(Options, AllOptions) {
  Options o = parse({"--bios", "fw_jump.elf", "--kernel", "Image", "--initrd", "rootfs.cpio",
                     "--append", "console=ttyS0 earlycon", "--smp", "4", "--max-insns", "1000000",
                     "--stats", "out.json", "--quantum", "500", "--quantum-insns", "2000", "--trace",
                     "--no-stdin", "--dump-dtb", "out.dtb"});
  EXPECT_EQ(o.bios, "fw_jump.elf");
  EXPECT_EQ(o.kernel, "Image");
  EXPECT_EQ(o.initrd, "rootfs.cpio");
  EXPECT_EQ(o.append, "console=ttyS0 earlycon");
  EXPECT_EQ(o.smp, 4u);
  EXPECT_EQ(o.max_insns, 1000000u);
  EXPECT_EQ(o.stats, "out.json");
  // The single-purpose timing options become configuration assignments.
  EXPECT_EQ(o.config_sets, (std::vector<std::string>{"sim.quantum_ns=500", "sim.quantum_insns=2000"}));
  EXPECT_TRUE(o.trace);
  EXPECT_TRUE(o.no_stdin);
  EXPECT_EQ(o.dump_dtb, "out.dtb");
  EXPECT_TRUE(o.elf.empty());
}

TEST(Options, QemuSingleDashLongOptions) {
  Options o = parse({"-bios", "fw.elf", "-kernel", "u-boot.bin", "-smp", "2", "-append", "x", "-m", "1G"});
  EXPECT_EQ(o.bios, "fw.elf");
  EXPECT_EQ(o.kernel, "u-boot.bin");
  EXPECT_EQ(o.smp, 2u);
  EXPECT_EQ(o.append, "x");
  EXPECT_EQ(o.memory, 1024 * MiB);
}

TEST(Options, HexNumbers) {
  EXPECT_EQ(parse({"--max-insns", "0x100", "p.elf"}).max_insns, 256u);
}

TEST(Options, JitSync) {
  EXPECT_TRUE(parse({"p.elf"}).jit_async);
  EXPECT_FALSE(parse({"--jit-sync", "p.elf"}).jit_async);
}

TEST(Options, JitThreshold) {
  EXPECT_EQ(parse({"p.elf"}).jit_threshold, 64u);
  EXPECT_EQ(parse({"--jit-threshold", "0", "p.elf"}).jit_threshold, 0u);
  EXPECT_EQ(parse({"--jit-threshold", "0x40", "p.elf"}).jit_threshold, 64u);
  EXPECT_EQ(error_of({"--jit-threshold", "5000000000", "p.elf"}),
            "--jit-threshold 5000000000: out of range; use 0..1000000000");
  EXPECT_EQ(error_of({"--jit-threshold", "-1", "p.elf"}),
            "--jit-threshold -1: bad number; use a decimal or 0x-hex integer");
}

TEST(Options, DtbFile) {
  Options o = parse({"--dtb", "board.dtb", "p.elf"});
  EXPECT_EQ(o.dtb, "board.dtb");
}

TEST(Options, HelpAndVersionSkipChecks) {
  EXPECT_TRUE(parse({"--help"}).help);
  EXPECT_TRUE(parse({"-h"}).help);
  EXPECT_TRUE(parse({"--version"}).version);
  EXPECT_TRUE(parse({"--help", "--smp", "99"}).help);  // no program, bad smp: still help
}

TEST(Options, UsageTextDocumentsEveryOption) {
  const std::string text = usage_text("rvh-vp");
  for (const char* opt : {"--bios", "--kernel", "--initrd", "--append", "--memory", "-m", "--smp", "--dtb",
                          "--dump-dtb", "--max-insns", "--quantum", "--quantum-insns", "--jit-threshold", "--stats",
                          "--trace", "--no-stdin", "--serial", "--escape-char", "--serial-log",
                          "--serial-log-timestamps", "--serial-drop-early", "--help", "--version"})
    EXPECT_NE(text.find(opt), std::string::npos) << opt;
  EXPECT_NE(version_text().find("rvh-vp "), std::string::npos);
}

TEST(Options, Errors) {
  EXPECT_EQ(error_of({"-m", "12Q", "p.elf"}), "-m 12Q: bad size; use e.g. 128M, 1G");
  EXPECT_EQ(error_of({"-m", "128G", "p.elf"}), "-m 128G: too large; at most 64G");
  EXPECT_EQ(error_of({"-m", "0x1001", "p.elf"}), "-m 0x1001: not a multiple of 4K");
  EXPECT_EQ(error_of({"--smp", "0", "p.elf"}), "--smp 0: out of range; use 1..8");
  EXPECT_EQ(error_of({"--smp", "9", "p.elf"}), "--smp 9: out of range; use 1..8");
  EXPECT_EQ(error_of({"--smp", "two", "p.elf"}),
            "--smp two: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--max-insns", "-5", "p.elf"}),
            "--max-insns -5: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--max-insns", "1e6", "p.elf"}),
            "--max-insns 1e6: bad number; use a decimal or 0x-hex integer");
  EXPECT_EQ(error_of({"--quantum", "0", "p.elf"}), "--quantum 0: must be at least 1 ns");
  EXPECT_EQ(error_of({"--quantum-insns", "0", "p.elf"}), "--quantum-insns 0: must be at least 1");
  EXPECT_EQ(error_of({"--frobnicate", "p.elf"}), "unknown option '--frobnicate'; see --help");
  EXPECT_EQ(error_of({"--mem", "1G", "p.elf"}), "unknown option '--mem'; see --help");  // no guessing
  EXPECT_EQ(error_of({}), "no program given; pass a bare-metal ELF, or --bios FILE; see --help");
  EXPECT_EQ(error_of({"--smp", "2"}), "no program given; pass a bare-metal ELF, or --bios FILE; see --help");
  EXPECT_EQ(error_of({"a.elf", "b.elf"}), "more than one program given ('a.elf', 'b.elf'); pass one ELF");
  EXPECT_NE(error_of({"--bios", "fw.elf", "p.elf"}).find("both an ELF ('p.elf') and --bios given"),
            std::string::npos);
  EXPECT_NE(error_of({"--kernel", "Image"}).find("--kernel needs --bios"), std::string::npos);
  EXPECT_NE(error_of({"--kernel", "Image", "p.elf"}).find("--kernel is for firmware"), std::string::npos);
  EXPECT_EQ(error_of({"--bios", "fw", "--initrd", "r"}), "--initrd needs --kernel");
  EXPECT_NE(error_of({"--dtb", "x.dtb", "--append", "a", "p.elf"}).find("--append cannot be used with --dtb"),
            std::string::npos);
  EXPECT_NE(error_of({"p.elf", "-m"}).find("missing"), std::string::npos);
  EXPECT_NE(error_of({"-m", "1G", "-m", "2G", "p.elf"}).find("more than once"), std::string::npos);
}

// --serial and the other console options (platform/console_spec.h).
TEST(Options, SerialBackends) {
  Options o = parse({"p.elf"});
  EXPECT_TRUE(o.serial.empty());  // stdio
  EXPECT_EQ(o.escape_char, 1);    // Ctrl-A
  EXPECT_FALSE(o.serial_drop_early);

  o = parse({"--serial", "tcp::4444,server,nowait", "p.elf"});
  ASSERT_EQ(o.serial.size(), 1u);
  EXPECT_EQ(o.serial[0].kind, SerialSpec::Kind::kTcp);
  EXPECT_EQ(o.serial[0].host, "127.0.0.1");  // not every interface, unlike QEMU
  EXPECT_EQ(o.serial[0].port, 4444);
  EXPECT_TRUE(o.serial[0].server);
  EXPECT_FALSE(o.serial[0].wait);

  SerialSpec s = parse_serial_spec("tcp:0.0.0.0:5555,server");
  EXPECT_EQ(s.host, "0.0.0.0");
  EXPECT_TRUE(s.wait);  // QEMU's default for a server
  s = parse_serial_spec("tcp:[::1]:5555,server=on,wait=off");
  EXPECT_EQ(s.host, "::1");
  EXPECT_TRUE(s.server);
  EXPECT_FALSE(s.wait);
  s = parse_serial_spec("tcp:localhost:23");
  EXPECT_FALSE(s.server);
  EXPECT_EQ(s.host, "localhost");
  s = parse_serial_spec("unix:/tmp/vp.sock,server");
  EXPECT_EQ(s.kind, SerialSpec::Kind::kUnix);
  EXPECT_EQ(s.path, "/tmp/vp.sock");
  EXPECT_TRUE(s.server && s.wait);
  s = parse_serial_spec("file:out,with,commas.txt");
  EXPECT_EQ(s.kind, SerialSpec::Kind::kFile);
  EXPECT_EQ(s.path, "out,with,commas.txt");
  EXPECT_FALSE(s.has_input());
  EXPECT_EQ(parse_serial_spec("pty").kind, SerialSpec::Kind::kPty);
  EXPECT_EQ(parse_serial_spec("null").kind, SerialSpec::Kind::kNull);
  EXPECT_EQ(parse_serial_spec("stdio").kind, SerialSpec::Kind::kStdio);

  o = parse({"--hyp", "--kernel", "g.elf", "--serial", "pty", "--serial", "null"});
  EXPECT_EQ(o.serial.size(), 2u);
  o = parse({"--serial-log", "c.log", "--serial-log-timestamps", "--serial-drop-early", "--escape-char", "t",
             "p.elf"});
  EXPECT_EQ(o.serial_log, "c.log");
  EXPECT_TRUE(o.serial_log_timestamps);
  EXPECT_TRUE(o.serial_drop_early);
  EXPECT_EQ(o.escape_char, 0x14);
}

TEST(Options, EscapeCharSpellings) {
  EXPECT_EQ(parse_escape_char("a"), 1);
  EXPECT_EQ(parse_escape_char("^B"), 2);
  EXPECT_EQ(parse_escape_char("ctrl-t"), 0x14);
  EXPECT_EQ(parse_escape_char("C-]"), 0x1d);
  EXPECT_EQ(parse_escape_char("0x14"), 0x14);  // QEMU's -echr 0x14
  EXPECT_EQ(parse_escape_char("20"), 20);
  EXPECT_EQ(parse_escape_char("none"), -1);
  for (const char* bad : {"", "0", "256", "0x100", "ctrl-1", "^", "ab", "-1"})
    EXPECT_THROW(parse_escape_char(bad), ConsoleSpecError) << bad;
  EXPECT_EQ(escape_char_name(1), "Ctrl-A");
  EXPECT_EQ(escape_char_name(0x1d), "Ctrl-]");
  EXPECT_EQ(escape_char_name('~'), "'~'");
  EXPECT_EQ(escape_char_name(0xe9), "0xe9");
}

TEST(Options, SerialErrors) {
  EXPECT_EQ(error_of({"--serial", "bogus", "p.elf"}),
            "--serial bogus: unknown backend 'bogus'; use stdio, pty, null, file:PATH, "
            "tcp:[HOST]:PORT[,server][,wait|nowait] or unix:PATH[,server][,wait|nowait]");
  EXPECT_EQ(error_of({"--serial", "tcp:4444", "p.elf"}),
            "--serial tcp:4444: no port; use tcp:[HOST]:PORT[,server][,wait|nowait], e.g. tcp::4444,server");
  EXPECT_EQ(error_of({"--serial", "tcp::x", "p.elf"}),
            "--serial tcp::x: bad port 'x' (a TCP port is 0-65535); use tcp:[HOST]:PORT[,server][,wait|nowait], "
            "e.g. tcp::4444,server");
  EXPECT_EQ(error_of({"--serial", "tcp::1,wait", "p.elf"}),
            "--serial tcp::1,wait: wait and nowait are for a server; add ,server (tcp::4444,server)");
  EXPECT_EQ(error_of({"--serial", "tcp::1,server,bogus", "p.elf"}),
            "--serial tcp::1,server,bogus: unknown flag 'bogus'; use server, wait or nowait");
  EXPECT_EQ(error_of({"--serial", "tcp:::1:4444,server", "p.elf"}),
            "--serial tcp:::1:4444,server: write an IPv6 address in brackets, e.g. tcp:[::1]:4444,server");
  EXPECT_EQ(error_of({"--serial", "stdio", "--serial", "stdio", "--hyp", "--kernel", "g"}),
            "--serial stdio: given twice; one console can have the terminal, give the other pty, tcp:..., "
            "unix:..., file:PATH or null");
  EXPECT_EQ(error_of({"--serial", "null", "--serial", "null", "p.elf"}),
            "--serial given 2 times; the machine has one UART");
  EXPECT_EQ(error_of({"--serial", "null", "--serial", "null", "--serial", "null", "--hyp", "--kernel", "g"}),
            "--serial given 3 times; the machine has two UARTs (the guest's, then the host's)");
  EXPECT_EQ(error_of({"--serial-log-timestamps", "p.elf"}), "--serial-log-timestamps needs --serial-log FILE");
  EXPECT_EQ(error_of({"--serial-log", "", "p.elf"}),
            "--serial-log '': empty file name; give the path of the file to write");
  EXPECT_EQ(error_of({"--escape-char", "xx", "p.elf"}),
            "--escape-char xx: bad escape character; use a letter for Ctrl-letter (a, t), ^A, ctrl-a, a character "
            "code 1-255 (0x14), or none");
}

// --vm (platform/vm_spec.h): several VMs of the hosted hypervisor.
TEST(Options, VmSpecs) {
  Options o = parse({"--hyp", "--kernel", "g.elf"});
  EXPECT_TRUE(o.vms.empty());  // the single-VM shorthand, unchanged
  EXPECT_EQ(o.kernel, "g.elf");

  o = parse({"--hyp", "--smp", "2", "--vm", "kernel=a.elf,smp=4", "--guest-memory", "64M", "-vm",
             "kernel=b.elf,mem=32M,console=file:b.log,append=console=ttyS0,115200 quiet"});
  ASSERT_EQ(o.vms.size(), 2u);  // in command-line order
  EXPECT_EQ(o.vms[0].kernel, "a.elf");
  EXPECT_EQ(o.vms[0].smp, 4u);  // more vCPUs than harts is allowed
  EXPECT_EQ(o.vms[0].memory, 0u);
  EXPECT_EQ(o.vms[1].kernel, "b.elf");
  EXPECT_EQ(o.vms[1].memory, 32 * MiB);
  EXPECT_EQ(o.vms[1].console->path, "b.log");
  EXPECT_EQ(o.vms[1].append, "console=ttyS0,115200 quiet");
  EXPECT_EQ(o.smp, 2u);  // the physical harts
  EXPECT_EQ(o.guest_memory, 64 * MiB);
  EXPECT_TRUE(o.kernel.empty());

  o = parse({"--hyp", "--vm=kernel=x"});
  ASSERT_EQ(o.vms.size(), 1u);
  EXPECT_EQ(o.smp, 1u);
  std::vector<std::string> eight;
  for (int i = 0; i < 8; ++i) eight.push_back("--vm=kernel=k" + std::to_string(i) + ",smp=8");
  std::vector<char*> argv{const_cast<char*>("rvh-vp"), const_cast<char*>("--hyp")};
  for (auto& a : eight) argv.push_back(a.data());
  EXPECT_EQ(parse_options(static_cast<int>(argv.size()), argv.data()).vms.size(), 8u);
  const std::string usage = usage_text("rvh-vp");
  EXPECT_NE(usage.find("--vm kernel=PATH[,mem=SIZE][,smp=N][,console=SPEC][,config=FILE.json][,disk=PATH[,ro]]...[,rng=on][,append=ARGS]"),
            std::string::npos);
}

TEST(Options, VmErrors) {
  EXPECT_EQ(error_of({"--vm", "kernel=a"}), "--vm needs --hyp");
  EXPECT_EQ(error_of({"--vm", "kernel=a", "p.elf"}), "--vm needs --hyp");
  EXPECT_EQ(error_of({"--hyp", "--kernel", "g", "--vm", "kernel=a"}),
            "--kernel cannot be combined with --vm; use kernel=/append= inside --vm");
  EXPECT_EQ(error_of({"--hyp", "--append", "quiet", "--vm", "kernel=a"}),
            "--append cannot be combined with --vm; use kernel=/append= inside --vm");
  EXPECT_EQ(error_of({"--hyp", "--initrd", "r", "--vm", "kernel=a"}),
            "--initrd cannot be combined with --vm; a --vm has no initrd");
  EXPECT_EQ(error_of({"--hyp"}),
            "--hyp needs --kernel GUEST (an ELF or a raw image for 0x80200000), or --vm kernel=GUEST,...");
  EXPECT_EQ(error_of({"--hyp", "--vm", "kernel=a,mem=12Q"}), "--vm kernel=a,mem=12Q: bad size; use e.g. 128M, 1G");
  EXPECT_EQ(error_of({"--hyp", "--vm", "kernel=a,smp=9"}),
            "--vm kernel=a,smp=9: smp=9: out of range; use 1..8 vCPUs");
  EXPECT_EQ(error_of({"--hyp", "--vm", "k", "--vm", "k", "--vm", "k", "--vm", "k", "--vm", "k", "--vm", "k", "--vm",
                      "k", "--vm", "k", "--vm", "k"}),
            "--vm given 9 times; at most 8 VMs");
  EXPECT_NE(error_of({"--hyp", "--vm"}).find("missing"), std::string::npos);
}

TEST(Options, ErrorsAreOneLine) {
  for (auto msg : {error_of({"--bogus"}), error_of({"-m", "x", "p"}), error_of({}), error_of({"p", "-m"})})
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
}

}  // namespace
}  // namespace rvh
