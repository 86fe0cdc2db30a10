#!/usr/bin/env python3
"""tests/console_test.py: the console (--serial, --escape-char, --serial-log,
--serial-drop-early; docs/running.md "The console") driven as a person or a
tool drives it: OpenSBI + U-Boot on rvh-vp behind a real pseudo-terminal
(Python's pty machinery: rvh-vp gets the pty as its controlling terminal, as
in a terminal window), a TCP client, a Unix-socket client and a pty client.

usage: console_test.py CASE --vp RVH_VP [--bios FW --uboot U_BOOT]
CASE: ctrl_c, keys, sigterm, hyp, tcp, pty, unix, log, early, bad_options
Exit status 0 = pass, 1 = fail, 77 = skipped (firmware not installed)."""
import argparse
import fcntl
import json
import os
import re
import select
import signal
import socket
import subprocess
import sys
import tempfile
import termios
import threading
import time


class Fail(Exception):
    pass


def check(cond, what, context=""):
    if not cond:
        raise Fail(what + ("\n--- context ---\n" + context[-3000:] if context else ""))
    print("ok:", what, flush=True)


def stty_g(fd):
    return subprocess.run(["stty", "-g"], stdin=fd, capture_output=True, text=True, check=True).stdout.strip()


class Output:
    """Bytes read from a descriptor or socket by a thread, searchable."""

    def __init__(self, read):
        self.buf = bytearray()
        self.lock = threading.Lock()
        self.pos = 0  # expect() matches after this
        self.eof = False
        self.thread = threading.Thread(target=self._pump, args=(read,), daemon=True)
        self.thread.start()

    def _pump(self, read):
        while True:
            try:
                chunk = read()
            except OSError:
                chunk = b""
            if not chunk:
                self.eof = True
                return
            with self.lock:
                self.buf.extend(chunk)

    def text(self):
        with self.lock:
            return self.buf.decode(errors="replace")

    def expect(self, pattern, timeout, what=None, alive=None):
        """Waits for `pattern` (bytes regex) after the last match; returns the match."""
        deadline = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            with self.lock:
                m = rx.search(self.buf, self.pos)
                if m:
                    self.pos = m.end()
                    return m
            if time.time() > deadline or (self.eof and not m) or (alive is not None and not alive()):
                time.sleep(0.2)
                with self.lock:
                    m = rx.search(self.buf, self.pos)
                    if m:
                        self.pos = m.end()
                        return m
                raise Fail("did not see %s within %ds" % (what or pattern, timeout), self.text())
            time.sleep(0.02)


class PtyRun:
    """rvh-vp with a fresh pseudo-terminal as its controlling terminal and
    stdin, stdout and stderr, as in a terminal window. The terminal keeps
    output processing, as with QEMU: the guest's \\r\\n arrives as \\r\\r\\n."""

    def __init__(self, vp, args):
        self.master, self.slave = os.openpty()
        self.modes_before = stty_g(self.slave)

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.proc = subprocess.Popen([vp, *args], stdin=self.slave, stdout=self.slave, stderr=self.slave,
                                     preexec_fn=controlling_tty, close_fds=True)
        self.out = Output(lambda: os.read(self.master, 4096))

    def send(self, data):
        os.write(self.master, data)

    def expect(self, pattern, timeout=60, what=None):
        return self.out.expect(pattern, timeout, what, alive=lambda: self.proc.poll() is None)

    def wait_raw(self, timeout=10):
        """Waits until rvh-vp has put the terminal in raw mode."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if stty_g(self.slave) != self.modes_before:
                return True
            time.sleep(0.01)
        return False

    def wait(self, timeout=60):
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Fail("rvh-vp did not end within %ds" % timeout, self.out.text())

    def modes_after(self):
        return stty_g(self.slave)

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        time.sleep(0.1)
        os.close(self.slave)
        os.close(self.master)


class PipeRun:
    """rvh-vp with stdin from /dev/null (or a pipe), stdout and stderr captured."""

    def __init__(self, vp, args, stdin=subprocess.DEVNULL):
        self.proc = subprocess.Popen([vp, *args], stdin=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        self.out = Output(lambda: self.proc.stdout.read1(4096))
        self.err = Output(lambda: self.proc.stderr.read1(4096))

    def wait(self, timeout=60):
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Fail("rvh-vp did not end within %ds" % timeout, self.err.text())
        self.out.thread.join(5)
        self.err.thread.join(5)
        return rc

    def close(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


class SocketClient:
    def __init__(self, sock):
        self.sock = sock
        self.out = Output(lambda: sock.recv(4096))

    def send(self, data):
        self.sock.sendall(data)

    def expect(self, pattern, timeout=60, what=None):
        return self.out.expect(pattern, timeout, what)


def firmware_args(a):
    return ["--bios", a.bios, "--kernel", a.uboot]


def to_prompt(c, what="the U-Boot prompt"):
    """From reset to U-Boot's prompt: a key stops the autoboot countdown."""
    c.expect(rb"Hit any key to stop autoboot", 60, "U-Boot's autoboot countdown")
    c.send(b"\r")
    c.expect(rb"=> ", 30, what)


def stats_of(path):
    with open(path) as f:
        return json.load(f)


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def simulated_times(text):
    return [float(x) for x in re.findall(r"simulated time: ([0-9.]+) s", text)]


# ---- cases ----

def case_ctrl_c(a, tmp):
    """Ctrl-C reaches the guest: it interrupts U-Boot's `sleep 10`."""
    r = PtyRun(a.vp, firmware_args(a))
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        to_prompt(r)
        r.send(b"sleep 10\r")
        r.expect(rb"sleep 10\r+\n", 10, "the echo of 'sleep 10'")
        time.sleep(1.0)  # sleeping now: 10 s of simulated time take about a minute here
        start = time.time()
        r.send(b"\x03")
        r.expect(rb"=> ", 10, "the prompt after Ctrl-C")
        took = time.time() - start
        check(took < 5, "the prompt is back %.2f s after Ctrl-C (sleep 10 was interrupted)" % took)
        check(r.proc.poll() is None, "rvh-vp still runs (Ctrl-C went to the guest, not to rvh-vp)")
        r.send(b"echo still-here\r")
        r.expect(rb"\nstill-here\r+\n", 10, "U-Boot answering after Ctrl-C")
        r.send(b"\x01x")
        rc = r.wait()
        check(rc == 0, "Ctrl-A x ends the run with status 0 (got %d)" % rc, r.out.text())
        check(r.modes_after() == r.modes_before, "stty -g is the same before and after")
    finally:
        r.close()
    return 0


def case_keys(a, tmp):
    """Ctrl-A h, s, p, Ctrl-A Ctrl-A and x; the stats file and the terminal afterwards."""
    stats = os.path.join(tmp, "stats.json")
    r = PtyRun(a.vp, firmware_args(a) + ["--stats", stats])
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        to_prompt(r)
        r.send(b"\x01h")
        r.expect(rb"Ctrl-A x +end the run", 10, "the key list (Ctrl-A h)")
        r.expect(rb"Ctrl-A p +pause", 10, "Ctrl-A p in the key list")
        # Ctrl-A s: the statistics so far, and the run goes on.
        r.send(b"\x01s")
        m = r.expect(rb"== rvh-vp statistics so far \(the run goes on\) ==\r+\nsimulated time: ([0-9.]+) s", 10,
                     "the statistics so far (Ctrl-A s)")
        r.expect(rb"instructions: [1-9][0-9]*", 10, "instruction counts in the statistics")
        check(r.proc.poll() is None, "the run goes on after Ctrl-A s")
        r.send(b"version\r")
        r.expect(rb"U-Boot 2023\.01", 10, "U-Boot answers after Ctrl-A s")
        r.expect(rb"=> ", 10, "the prompt")
        # Ctrl-A Ctrl-A: one Ctrl-A for the guest (U-Boot's line editor:
        # to the start of the line).
        r.send(b"cho ctrl-a-passed\x01\x01e\r")
        r.expect(rb"\nctrl-a-passed\r+\n", 10, "Ctrl-A Ctrl-A reaches U-Boot as Ctrl-A (echo typed as 'cho ...')")
        r.expect(rb"=> ", 10, "the prompt")
        # Ctrl-A p: simulated time stops, the host CPU rests.
        r.send(b"\x01p")
        r.expect(rb"rvh-vp: paused at simulated time [0-9.]+ s", 10, "the pause message")
        time.sleep(0.3)
        cpu0 = cpu_seconds(r.proc.pid)
        r.send(b"\x01s")
        r.expect(rb"statistics so far", 10, "Ctrl-A s while paused")
        r.expect(rb"instructions: ", 10, "")
        time.sleep(1.5)
        r.send(b"\x01s")
        r.expect(rb"statistics so far", 10, "Ctrl-A s while paused, again")
        r.expect(rb"instructions: ", 10, "")
        cpu = cpu_seconds(r.proc.pid) - cpu0
        check(cpu < 0.3, "paused for 1.5 s, rvh-vp used %.2f s of CPU (no busy wait)" % cpu)
        times = simulated_times(r.out.text())
        check(len(times) >= 3 and times[-1] == times[-2],
              "simulated time stands still while paused (%s)" % times[-2:])
        r.send(b"echo typed-while-paused\r")
        time.sleep(0.5)
        check(b"\ntyped-while-paused" not in r.out.buf, "nothing runs while paused")
        r.send(b"\x01p")
        r.expect(rb"rvh-vp: resumed", 10, "the resume message")
        r.expect(rb"\ntyped-while-paused\r+\n", 10, "input typed while paused reaches U-Boot after the resume")
        r.expect(rb"=> ", 10, "the prompt")
        r.send(b"\x01s")
        r.expect(rb"statistics so far", 10, "Ctrl-A s after the resume")
        r.expect(rb"instructions: ", 10, "")
        times = simulated_times(r.out.text())
        check(times[-1] > times[-2], "simulated time moves again after the resume")
        r.send(b"\x01q")
        r.expect(rb"Ctrl-A q: not a console key; Ctrl-A h lists them", 10, "an unknown key is named")
        # Ctrl-A x: the end of the run, with everything written.
        r.send(b"\x01x")
        rc = r.wait()
        out = r.out.text()
        check(rc == 0, "Ctrl-A x: exit status 0 (got %d)" % rc, out)
        check(re.search(r"== rvh-vp run summary ==\r+\nstopped by: quit \(exit code 0\)", out),
              "the run summary says 'stopped by: quit'", out)
        s = stats_of(stats)
        check(s.get("stopped_by") == "quit" and s.get("exit_code") == 0, "--stats written: stopped_by quit")
        check(r.modes_after() == r.modes_before, "stty -g is the same before and after")
    finally:
        r.close()
    return 0


def case_sigterm(a, tmp):
    """kill -TERM and -INT from outside: summary, --stats, the terminal
    restored; also after SIGSEGV and SIGPIPE."""
    stats = os.path.join(tmp, "stats.json")
    r = PtyRun(a.vp, firmware_args(a) + ["--stats", stats])
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        to_prompt(r)
        r.proc.send_signal(signal.SIGTERM)
        rc = r.wait()
        out = r.out.text()
        check(rc == 143, "SIGTERM: exit status 143 (got %d)" % rc, out)
        check("stopped by: SIGTERM (exit code 143)" in out, "the summary says SIGTERM", out)
        check(stats_of(stats).get("stopped_by") == "SIGTERM", "--stats written")
        check(r.modes_after() == r.modes_before, "stty -g is the same before and after")
    finally:
        r.close()
    # SIGINT from outside (not the keyboard): the same clean end.
    r = PtyRun(a.vp, firmware_args(a) + ["--stats", stats])
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        to_prompt(r)
        r.proc.send_signal(signal.SIGINT)
        rc = r.wait()
        check(rc == 130 and "stopped by: SIGINT" in r.out.text(), "kill -INT: exit 130, the summary",
              r.out.text())
        check(r.modes_after() == r.modes_before, "stty -g is the same before and after")
    finally:
        r.close()
    # A crash signal (SIGSEGV) still gives the terminal back.
    r = PtyRun(a.vp, firmware_args(a))
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        r.proc.send_signal(signal.SIGSEGV)
        rc = r.wait()
        check(rc == -signal.SIGSEGV, "SIGSEGV ends rvh-vp as SIGSEGV does (got %d)" % rc)
        check(r.modes_after() == r.modes_before, "stty -g is the same after a SIGSEGV")
    finally:
        r.close()
    # `rvh-vp | head`: stdout a pipe that closes, the terminal still stdin.
    master, slave = os.openpty()
    try:
        before = stty_g(slave)

        def controlling_tty():
            os.setsid()
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        p = subprocess.Popen([a.vp, *firmware_args(a)], stdin=slave, stdout=subprocess.PIPE, stderr=slave,
                             preexec_fn=controlling_tty)
        p.stdout.read(100)
        p.stdout.close()
        rc = p.wait(60)
        check(rc == -signal.SIGPIPE, "a closed stdout ends rvh-vp with SIGPIPE (got %d)" % rc)
        check(stty_g(slave) == before, "stty -g is the same after a SIGPIPE")
    finally:
        os.close(slave)
        os.close(master)
    return 0


def case_hyp(a, tmp):
    """--hyp: the guest's virtual UART has the terminal and the keys."""
    stats = os.path.join(tmp, "stats.json")
    r = PtyRun(a.vp, ["--hyp", "--kernel", a.uboot, "--stats", stats])
    try:
        check(r.wait_raw(), "the terminal goes into raw mode")
        to_prompt(r, "the guest U-Boot's prompt")
        r.send(b"sleep 10\r")
        r.expect(rb"sleep 10\r+\n", 10, "the echo of 'sleep 10'")
        time.sleep(1.0)
        start = time.time()
        r.send(b"\x03")
        r.expect(rb"=> ", 10, "the prompt after Ctrl-C")
        check(time.time() - start < 5, "Ctrl-C interrupts the guest's sleep 10")
        r.send(b"\x01s")
        r.expect(rb"statistics so far", 10, "Ctrl-A s")
        r.expect(rb"VM exits", 10, "the VM's exit statistics in Ctrl-A s")
        r.send(b"\x01x")
        rc = r.wait()
        check(rc == 0 and "stopped by: quit" in r.out.text(), "Ctrl-A x ends the --hyp run with status 0",
              r.out.text())
        check(stats_of(stats).get("stopped_by") == "quit", "--stats written")
        check(r.modes_after() == r.modes_before, "stty -g is the same before and after")
    finally:
        r.close()
    return 0


def listening_address(run, pattern, timeout=30):
    m = run.err.expect(pattern, timeout, "the listening address on stderr")
    return m


def case_tcp(a, tmp):
    """--serial tcp::0,server: a test client boots U-Boot to its prompt; reconnecting works."""
    stats = os.path.join(tmp, "stats.json")
    r = PipeRun(a.vp, ["--serial", "tcp::0,server", "--stats", stats] + firmware_args(a))
    try:
        m = r.err.expect(rb"serial0 listening on tcp:127\.0\.0\.1:(\d+), waiting for a client", 30,
                         "'listening on tcp:127.0.0.1:PORT, waiting' on stderr")
        port = int(m.group(1))
        time.sleep(0.5)
        check(b"OpenSBI" not in r.out.buf and b"OpenSBI" not in r.err.buf,
              "nothing runs before the client connects (wait)")
        c = SocketClient(socket.create_connection(("127.0.0.1", port), timeout=10))
        c.sock.settimeout(None)
        c.expect(rb"OpenSBI v1\.1", 30, "OpenSBI's banner on the socket")
        to_prompt(c)
        c.send(b"version\r")
        c.expect(rb"U-Boot 2023\.01", 10, "'version' answered over TCP")
        c.expect(rb"=> ", 10, "the prompt")
        c.sock.shutdown(socket.SHUT_RDWR)  # (close alone leaves the reading thread's recv holding it)
        c.sock.close()
        r.err.expect(rb"serial0: client disconnected; listening on tcp:127\.0\.0\.1:%d again" % port, 10,
                     "the disconnection noted")
        c = SocketClient(socket.create_connection(("127.0.0.1", port), timeout=10))
        c.sock.settimeout(None)
        c.send(b"echo second-client\r")
        c.expect(rb"\r\nsecond-client\r\n", 10, "a second client drives the same console")
        c.send(b"poweroff\r")
        rc = r.wait()
        check(rc == 0, "poweroff ends the run with status 0 (got %d)" % rc, r.err.text())
        check(b"OpenSBI" not in r.out.buf, "the guest's output went to the socket, not to stdout")
        check(b"stopped by: pass" in r.err.buf, "the summary on stderr")
        check(stats_of(stats).get("stopped_by") == "pass", "--stats written")
        c.sock.close()
    finally:
        r.close()
    return 0


def case_unix(a, tmp):
    """--serial unix:PATH,server: a client on the socket path."""
    path = os.path.join(tmp, "console.sock")
    r = PipeRun(a.vp, ["--serial", "unix:%s,server" % path] + firmware_args(a))
    try:
        r.err.expect(rb"serial0 listening on unix:.*console\.sock, waiting", 30, "'listening on unix:PATH'")
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(path)
        c = SocketClient(s)
        to_prompt(c)
        c.send(b"poweroff\r")
        rc = r.wait()
        check(rc == 0, "poweroff ends the run (got %d)" % rc, r.err.text())
        check(not os.path.exists(path), "the socket file is removed at the end")
        s.close()
    finally:
        r.close()
    return 0


def case_pty(a, tmp):
    """--serial pty: the path is printed; a client opens it like minicom or screen."""
    r = PipeRun(a.vp, ["--serial", "pty"] + firmware_args(a))
    try:
        m = r.err.expect(rb"serial0 on (/dev/pts/\d+) \(attach with: screen", 30, "the pty's path on stderr")
        path = m.group(1).decode()
        fd = os.open(path, os.O_RDWR | os.O_NOCTTY)
        try:
            mode = termios.tcgetattr(fd)
            check(not (mode[3] & termios.ECHO) and not (mode[3] & termios.ICANON), "the pty is raw (no echo)")
            c = Output(lambda: os.read(fd, 4096))

            class Client:
                def send(self, data):
                    os.write(fd, data)

                def expect(self, pattern, timeout=60, what=None):
                    return c.expect(pattern, timeout, what)

            client = Client()
            client.expect(rb"OpenSBI v1\.1", 30, "OpenSBI's banner, kept in the pty until the client opened it")
            to_prompt(client)
            client.send(b"version\r")
            client.expect(rb"U-Boot 2023\.01", 10, "'version' answered through the pty")
            client.send(b"poweroff\r")
            rc = r.wait()
            check(rc == 0, "poweroff ends the run (got %d)" % rc, r.err.text())
        finally:
            os.close(fd)
    finally:
        r.close()
    return 0


def run_logged(a, tmp, extra):
    log = os.path.join(tmp, "console.log")
    r = PipeRun(a.vp, ["--serial-log", log] + extra + firmware_args(a), stdin=subprocess.PIPE)

    class Client:
        def send(self, data):
            r.proc.stdin.write(data)
            r.proc.stdin.flush()

        def expect(self, pattern, timeout=60, what=None):
            return r.out.expect(pattern, timeout, what)

    try:
        c = Client()
        to_prompt(c)
        c.send(b"echo logged-line\r")
        c.expect(rb"\r\nlogged-line\r\n", 10, "the echo")
        c.send(b"poweroff\r")
        rc = r.wait()
        check(rc == 0, "poweroff ends the run (got %d)" % rc, r.err.text())
        with open(log, "rb") as f:
            return bytes(r.out.buf), f.read()
    finally:
        r.close()


def case_log(a, tmp):
    """--serial-log FILE: exactly what the guest printed; with timestamps, each line starts with its time."""
    out, log = run_logged(a, tmp, [])
    check(len(log) > 1000 and log == out, "the log holds exactly what the guest printed (%d bytes)" % len(log))
    out, log = run_logged(a, tmp, ["--serial-log-timestamps"])
    lines = log.split(b"\n")
    stamp = re.compile(rb"^\[ *(\d+\.\d{6})\] ")
    stamped = [stamp.match(l) for l in lines if l]
    check(all(stamped), "every line of the log starts with [SECONDS.USECS]",
          "\n".join(l.decode(errors="replace") for l in lines[:20]))
    times = [float(m.group(1)) for m in stamped]
    check(times == sorted(times) and 0 < times[-1] < 5, "the times grow, in simulated seconds (last %.6f)" % times[-1])
    stripped = b"\n".join(stamp.sub(b"", l) for l in lines)
    check(stripped == out, "without the times, the log is what the guest printed")
    banner = [t for t, l in zip(times, [l for l in lines if l]) if b"OpenSBI v1.1" in l]
    check(banner and banner[0] < times[-1], "OpenSBI's banner comes before the end (%s)" % banner[:1])
    return 0


def early_run(a, extra):
    """A TCP client that types before the firmware has even started."""
    r = PipeRun(a.vp, ["--serial", "tcp::0,server"] + extra + firmware_args(a))
    m = r.err.expect(rb"listening on tcp:127\.0\.0\.1:(\d+)", 30, "the port")
    s = socket.create_connection(("127.0.0.1", int(m.group(1))))
    # U-Boot takes one key to stop the countdown, and its ctrlc() checks on
    # the way eat a key each (as on hardware and QEMU): spare CRs first.
    s.sendall(b"\r" * 8 + b"setenv e 1234; echo got=${e}\r")
    return r, SocketClient(s)


def case_early(a, tmp):
    """Input typed before U-Boot's driver is ready waits for it; --serial-drop-early loses it."""
    r, c = early_run(a, [])
    try:
        c.expect(rb"got=1234", 60, "the early command's output: U-Boot received input typed before it started")
        c.send(b"poweroff\r")
        check(r.wait() == 0, "poweroff ends the run")
    finally:
        r.close()
    r, c = early_run(a, ["--serial-drop-early", "--max-time", "1500ms"])
    try:
        c.expect(rb"Hit any key to stop autoboot", 60, "the autoboot countdown")
        rc = r.wait(120)
        text = c.out.text()
        check(rc == 0 and "time-limit" in r.err.text(), "the run ends at --max-time 1500ms")
        check("got=1234" not in text and " 1 " in text.split("Hit any key to stop autoboot", 1)[1],
              "with --serial-drop-early the early input is lost: the countdown goes on", text)
    finally:
        r.close()
    return 0


def case_bad_options(a, tmp):
    """Bad values: one line naming the option and the fix, exit status 2 (usage) or 1 (cannot open)."""
    def run(args, status, message):
        p = subprocess.run([a.vp, *args, *firmware_args(a)], stdin=subprocess.DEVNULL, capture_output=True,
                           text=True, timeout=60)
        first = p.stderr.splitlines()[0] if p.stderr else ""
        check(p.returncode == status and message in first,
              "%s: exit %d, '%s'" % (" ".join(args), status, message), p.stderr)

    run(["--serial", "bogus"], 2, "--serial bogus: unknown backend 'bogus'; use stdio, pty, null, file:PATH, tcp:")
    run(["--serial", "tcp:4444"], 2, "--serial tcp:4444: no port; use tcp:[HOST]:PORT")
    run(["--serial", "tcp::70000,server"], 2, "--serial tcp::70000,server: bad port '70000' (a TCP port is 0-65535)")
    run(["--serial", "tcp::4444,server,telnet"], 2, "'telnet' is not supported")
    run(["--serial", "tcp::4444,nowait"], 2, "wait and nowait are for a server; add ,server")
    run(["--serial", "tcp::0"], 2, "port 0 only means \"any free port\" for a server")
    run(["--serial", "tcp::4444,server,wait=maybe"], 2, "bad value in 'wait=maybe'; use on or off")
    run(["--serial", "file:"], 2, "--serial file:: empty file name; use file:PATH")
    run(["--serial", "unix:"], 2, "--serial unix:: empty socket path")
    run(["--serial", "pty:x"], 2, "--serial pty:x: pty takes no arguments")
    run(["--serial", "mon:stdio"], 2, "QEMU's mon backend is not supported")
    run(["--serial", "null", "--serial", "null"], 2, "--serial given 2 times; the machine has one UART")
    run(["--escape-char", "ctrl-1"], 2, "--escape-char ctrl-1: bad escape character")
    run(["--escape-char", "0x100"], 2, "--escape-char 0x100: bad escape character")
    run(["--serial-log-timestamps"], 2, "--serial-log-timestamps needs --serial-log FILE")
    run(["--serial-log", ""], 2, "--serial-log '': empty file name")
    run(["--serial-log", "/nonexistent/dir/log"], 1, "--serial-log: /nonexistent/dir/log: cannot open for writing")
    run(["--serial", "file:/nonexistent/dir/out"], 1, "--serial: /nonexistent/dir/out: cannot open for writing")
    notsock = os.path.join(tmp, "plain-file")
    open(notsock, "w").close()
    run(["--serial", "unix:%s,server" % notsock], 1, "exists and is not a socket; remove it or choose another path")
    run(["--serial", "unix:%s" % os.path.join(tmp, "nobody.sock")], 1, "cannot connect to")
    busy = socket.socket()
    busy.bind(("127.0.0.1", 0))
    busy.listen(1)
    port = busy.getsockname()[1]
    run(["--serial", "tcp::%d,server" % port], 1, "cannot listen on 127.0.0.1 port %d: Address already in use" % port)
    busy.close()
    return 0


CASES = {name[5:]: fn for name, fn in globals().items() if name.startswith("case_")}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("case", choices=sorted(CASES))
    ap.add_argument("--vp", required=True)
    ap.add_argument("--bios", default="/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf")
    ap.add_argument("--uboot", default="/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin")
    a = ap.parse_args()
    for f in (a.bios, a.uboot):
        if not os.path.exists(f):
            print("skipped: %s is not installed (apt-get install opensbi u-boot-qemu)" % f)
            return 77
    with tempfile.TemporaryDirectory(prefix="rvh-console-") as tmp:
        try:
            return CASES[a.case](a, tmp)
        except Fail as e:
            print("FAIL:", e, flush=True)
            return 1


if __name__ == "__main__":
    sys.exit(main())
