// Tests for platform/vm_spec: one --vm KEY=VALUE[,...] (issue 14), its
// defaults, the values that may hold commas, and the one-line errors.
#include "platform/vm_spec.h"

#include <gtest/gtest.h>

#include "platform/options.h"
#include "tests/unit/gtest_sc_main.h"  // libsystemc needs sc_main

#include <string>

namespace rvh {
namespace {

constexpr uint64_t MiB = 1ull << 20;

// The UsageError message for `text`, or "<no error>".
std::string error_of(const std::string& text) {
  try {
    parse_vm_spec(text);
  } catch (const UsageError& e) {
    return e.what();
  }
  return "<no error>";
}

TEST(VmSpec, Defaults) {
  const VmSpec s = parse_vm_spec("kernel=u-boot.bin");
  EXPECT_EQ(s.kernel, "u-boot.bin");
  EXPECT_EQ(s.memory, 0u);  // --guest-memory's value
  EXPECT_EQ(s.smp, 0u);     // one vCPU
  EXPECT_FALSE(s.append.has_value());
  EXPECT_FALSE(s.console.has_value());
  EXPECT_TRUE(s.config.empty());
  EXPECT_EQ(s.text, "kernel=u-boot.bin");
}

TEST(VmSpec, AllKeys) {
  const std::string text = "kernel=Image,mem=256M,smp=4,console=file:vm1.log,config=vm1.json,append=earlycon";
  const VmSpec s = parse_vm_spec(text);
  EXPECT_EQ(s.kernel, "Image");
  EXPECT_EQ(s.memory, 256 * MiB);
  EXPECT_EQ(s.smp, 4u);
  ASSERT_TRUE(s.console.has_value());
  EXPECT_EQ(s.console->kind, SerialSpec::Kind::kFile);
  EXPECT_EQ(s.console->path, "vm1.log");
  EXPECT_EQ(s.config, "vm1.json");
  EXPECT_EQ(s.append, "earlycon");
  EXPECT_EQ(s.text, text);
}

TEST(VmSpec, KeysInAnyOrderAndSizeSpellings) {
  const VmSpec s = parse_vm_spec("smp=8,mem=0x200000,kernel=/a/b=c.elf");
  EXPECT_EQ(s.kernel, "/a/b=c.elf");  // split at the first '='
  EXPECT_EQ(s.memory, 2 * MiB);
  EXPECT_EQ(s.smp, 8u);
  EXPECT_EQ(parse_vm_spec("kernel=k,mem=64").memory, 64 * MiB);  // bare number: MiB, as -m
  EXPECT_EQ(parse_vm_spec("kernel=k,mem=1.5G").memory, 1536 * MiB);
  EXPECT_EQ(parse_vm_spec("kernel=k,mem=16G").memory, 16384 * MiB);
  EXPECT_EQ(parse_vm_spec("kernel=k,mem=2052K").memory, 2052 * 1024u);  // 4K multiple, not 2M
  EXPECT_EQ(parse_vm_spec("kernel=k,smp=1").smp, 1u);
}

TEST(VmSpec, AppendTakesTheRestWithCommasAndEquals) {
  VmSpec s = parse_vm_spec("kernel=Image,append=console=ttyS0,115200 root=/dev/vda rw,smp=2");
  EXPECT_EQ(s.append, "console=ttyS0,115200 root=/dev/vda rw,smp=2");  // smp=2 is the guest's
  EXPECT_EQ(s.smp, 0u);
  s = parse_vm_spec("kernel=Image,append=");
  EXPECT_EQ(s.append, "");  // given, empty: no bootargs
  s = parse_vm_spec("kernel=k,append=a,,b,");
  EXPECT_EQ(s.append, "a,,b,");
  // append= is last: a key after it is the guest's.
  EXPECT_EQ(error_of("append=a,kernel=x"),
            "--vm append=a,kernel=x: no kernel; put kernel=PATH before append= (append= takes the rest of the text)");
}

TEST(VmSpec, ConsoleKeepsItsFlags) {
  VmSpec s = parse_vm_spec("kernel=k,console=unix:/tmp/s,server,nowait,smp=2,mem=64M");
  ASSERT_TRUE(s.console.has_value());
  EXPECT_EQ(s.console->kind, SerialSpec::Kind::kUnix);
  EXPECT_EQ(s.console->path, "/tmp/s");
  EXPECT_TRUE(s.console->server);
  EXPECT_FALSE(s.console->wait);
  EXPECT_EQ(s.console->text, "unix:/tmp/s,server,nowait");
  EXPECT_EQ(s.smp, 2u);
  EXPECT_EQ(s.memory, 64 * MiB);

  s = parse_vm_spec("console=tcp::4444,server,kernel=k");
  EXPECT_EQ(s.console->kind, SerialSpec::Kind::kTcp);
  EXPECT_EQ(s.console->port, 4444);
  EXPECT_TRUE(s.console->server && s.console->wait);
  EXPECT_EQ(s.kernel, "k");

  s = parse_vm_spec("kernel=k,console=tcp::0,server=on,wait=off,append=x");
  EXPECT_TRUE(s.console->server);
  EXPECT_FALSE(s.console->wait);
  EXPECT_EQ(s.append, "x");

  s = parse_vm_spec("kernel=k,console=file:/tmp/vm=1.log");
  EXPECT_EQ(s.console->kind, SerialSpec::Kind::kFile);
  EXPECT_EQ(s.console->path, "/tmp/vm=1.log");
  EXPECT_EQ(parse_vm_spec("kernel=k,console=stdio").console->kind, SerialSpec::Kind::kStdio);
  EXPECT_EQ(parse_vm_spec("kernel=k,console=null").console->kind, SerialSpec::Kind::kNull);
  EXPECT_EQ(parse_vm_spec("kernel=k,console=pty").console->kind, SerialSpec::Kind::kPty);
}

TEST(VmSpec, Errors) {
  const std::string syntax = "kernel=PATH[,mem=SIZE][,smp=N][,console=SPEC][,config=FILE.json][,disk=PATH[,ro]]...[,rng=on][,append=ARGS]";
  EXPECT_EQ(error_of("kernel=a.elf,mem=12Q"), "--vm kernel=a.elf,mem=12Q: bad size; use e.g. 128M, 1G");
  EXPECT_EQ(error_of("kernel=a,mem=1M"), "--vm kernel=a,mem=1M: mem=1M: too small; use at least 2M");
  EXPECT_EQ(error_of("kernel=a,mem=0x200800"), "--vm kernel=a,mem=0x200800: mem=0x200800: not a multiple of 4K");
  EXPECT_EQ(error_of("kernel=a,mem=17G"), "--vm kernel=a,mem=17G: mem=17G: too large; at most 16G");
  EXPECT_EQ(error_of("kernel=a,smp=0"), "--vm kernel=a,smp=0: smp=0: out of range; use 1..8 vCPUs");
  EXPECT_EQ(error_of("kernel=a,smp=9"), "--vm kernel=a,smp=9: smp=9: out of range; use 1..8 vCPUs");
  EXPECT_EQ(error_of("kernel=a,smp=two"), "--vm kernel=a,smp=two: smp=two: bad number; use 1..8 vCPUs");
  EXPECT_EQ(error_of("kernel=a,smp=-1"), "--vm kernel=a,smp=-1: smp=-1: bad number; use 1..8 vCPUs");
  EXPECT_EQ(error_of("kernel=a,smp="), "--vm kernel=a,smp=: smp=: bad number; use 1..8 vCPUs");
  EXPECT_EQ(error_of("kernel="), "--vm kernel=: empty kernel; use kernel=PATH (an ELF, or a raw image for 0x80200000)");
  EXPECT_EQ(error_of("mem=64M"), "--vm mem=64M: no kernel; add kernel=PATH (an ELF, or a raw image for 0x80200000)");
  EXPECT_EQ(error_of(""), "--vm '': empty; use --vm " + syntax);
  EXPECT_EQ(error_of("a.elf"), "--vm a.elf: 'a.elf' is not KEY=VALUE; use " + syntax);
  EXPECT_EQ(error_of("kernel=a,"),
            "--vm kernel=a,: empty item (two commas in a row, or one at the end); use " + syntax);
  EXPECT_EQ(error_of("kernel=a,initrd=r"),
            "--vm kernel=a,initrd=r: unknown key 'initrd'; use kernel, mem, smp, console, config, disk, rng, or append (last)");
  EXPECT_EQ(error_of("kernel=a,Mem=1G"),
            "--vm kernel=a,Mem=1G: unknown key 'Mem'; use kernel, mem, smp, console, config, disk, rng, or append (last)");
  EXPECT_EQ(error_of("kernel=a,kernel=b"), "--vm kernel=a,kernel=b: kernel= given twice; give each key once");
  EXPECT_EQ(error_of("kernel=a,smp=1,smp=2"), "--vm kernel=a,smp=1,smp=2: smp= given twice; give each key once");
  EXPECT_EQ(error_of("kernel=a,config="), "--vm kernel=a,config=: empty config; use config=FILE.json (hyp.* keys for this VM)");
  // Console flags only right after console=.
  EXPECT_EQ(error_of("kernel=a,server"),
            "--vm kernel=a,server: 'server' is a console flag; put it right after console=, e.g. "
            "console=unix:/tmp/vm0.sock,server,nowait");
  EXPECT_EQ(error_of("console=unix:/tmp/s,kernel=a,nowait"),
            "--vm console=unix:/tmp/s,kernel=a,nowait: 'nowait' is a console flag; put it right after console=, e.g. "
            "console=unix:/tmp/vm0.sock,server,nowait");
  // A bad console is the --serial message after console=.
  EXPECT_EQ(error_of("kernel=a,console=bogus"),
            "--vm kernel=a,console=bogus: console=bogus: unknown backend 'bogus'; use stdio, pty, null, file:PATH, "
            "tcp:[HOST]:PORT[,server][,wait|nowait] or unix:PATH[,server][,wait|nowait]");
  EXPECT_EQ(error_of("kernel=a,console=tcp::4444,nowait"),
            "--vm kernel=a,console=tcp::4444,nowait: console=tcp::4444,nowait: wait and nowait are for a server; "
            "add ,server (tcp::4444,server)");
  EXPECT_EQ(error_of("kernel=a,console=stdio,server"),
            "--vm kernel=a,console=stdio,server: console=stdio,server: unknown backend 'stdio,server'; use stdio, pty, "
            "null, file:PATH, tcp:[HOST]:PORT[,server][,wait|nowait] or unix:PATH[,server][,wait|nowait]");
  EXPECT_EQ(error_of("kernel=a,console="),
            "--vm kernel=a,console=: empty console; use console=stdio, pty, null, file:PATH, "
            "tcp:[HOST]:PORT[,server][,wait|nowait] or unix:PATH[,server][,wait|nowait]");
  EXPECT_EQ(error_of("kernel=a,console=null,console=pty"),
            "--vm kernel=a,console=null,console=pty: console= given twice; give each key once");
}

TEST(VmSpec, DisksInOrderWithReadOnlyFlag) {
  const VmSpec s = parse_vm_spec("kernel=Image,disk=root.ext4,disk=data.img,ro,rng=on,console=null,append=root=/dev/vda");
  ASSERT_EQ(s.disks.size(), 2u);
  EXPECT_EQ(s.disks[0].path, "root.ext4");
  EXPECT_FALSE(s.disks[0].read_only);
  EXPECT_EQ(s.disks[1].path, "data.img");
  EXPECT_TRUE(s.disks[1].read_only);
  EXPECT_TRUE(s.rng);
  EXPECT_EQ(*s.append, "root=/dev/vda");
  EXPECT_FALSE(parse_vm_spec("kernel=Image,rng=off").rng);
}

TEST(VmSpec, DiskErrors) {
  EXPECT_EQ(error_of("kernel=a,disk="), "--vm kernel=a,disk=: empty disk; use disk=PATH[,ro] (a raw disk image)");
  EXPECT_EQ(error_of("kernel=a,ro"), "--vm kernel=a,ro: 'ro' is not KEY=VALUE; use " + std::string(kVmSyntax));
  EXPECT_EQ(error_of("kernel=a,rng=yes"), "--vm kernel=a,rng=yes: rng=yes: use rng=on or rng=off");
  std::string nine = "kernel=a";
  for (int i = 0; i < 9; ++i) nine += ",disk=d" + std::to_string(i);
  EXPECT_NE(error_of(nine).find("too many virtio devices; at most 8"), std::string::npos);
}

TEST(DiskSpec, TrailingRoIsReadOnly) {
  EXPECT_FALSE(parse_disk_spec("a.img", "--disk a.img").read_only);
  const VmSpec::Disk ro = parse_disk_spec("dir,x/a.img,ro", "--disk dir,x/a.img,ro");
  EXPECT_EQ(ro.path, "dir,x/a.img");
  EXPECT_TRUE(ro.read_only);
  EXPECT_THROW(parse_disk_spec(",ro", "--disk ,ro"), UsageError);
}

TEST(VmSpec, ErrorsAreOneLine) {
  for (const char* bad : {"", "x", "kernel=a,mem=Q", "kernel=a,smp=9", "kernel=a,console=tcp:x", "kernel=a,nowait"}) {
    const std::string msg = error_of(bad);
    EXPECT_NE(msg, "<no error>") << bad;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
  }
}

}  // namespace
}  // namespace rvh
