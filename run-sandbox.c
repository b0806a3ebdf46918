// SPDX-License-Identifier: GPL-2.0
/* lkvm run's main thread: its seccomp allow-list (applied by vm/vm.c after the first start). */
#include <sys/ioctl.h>
#include <termios.h>
#include <linux/kvm.h>

#include "lkvm/config.h"
#include "lkvm/sandbox.h"

/*
 * The main thread after the first start: its event loop (stdin, signals,
 * the machine's exit; the epoll fd is made before, the exit's eventfd is
 * added and removed each boot; glibc waits with epoll_wait, or with
 * epoll_pwait on architectures without the former), stops, and a reboot's
 * whole set-up again (files, guest RAM, KVM's VM and vCPU ioctls, new vCPU
 * threads, which start under this filter and add their own), the vNVDIMMs'
 * final flush and close; the control socket's clients (api/server.c:
 * accepted, read, answered with send, timed on a timerfd made before) and
 * the socket file's removal at the end. The listening socket is made
 * before this filter: "socket" and "bind" are not allowed. A hot-plug
 * (vm/hotplug-request.c) opens a vNVDIMM as --nvdimm does at start: a new
 * backing file is created and allocated, and its unit GUID recorded
 * (a temporary file linked or renamed into place, its directory made).
 */
static const char *const main_syscalls[] = {
	"read", "readv", "poll", "ppoll", "epoll_wait", "epoll_pwait", "epoll_ctl",
	"close", "openat", "open", "newfstatat", "fstat", "statx", "fstatfs",
	"lseek", "pread64", "fcntl", "dup", "eventfd2",
	"clone", "clone3", "set_robust_list", "rseq", "rt_sigaction",
	"prctl", "seccomp", "sched_getaffinity", "getrandom", "flock", "ftruncate",
	"unlink", "unlinkat", "msync", "fdatasync", "fsync", "mremap", "uname",
	"readlink", "sysinfo", "getcwd",
	/* the control socket's clients: send is sendto on some architectures */
	"accept4", "send", "sendto", "timerfd_settime", "lstat",
	/* ... whose peer must be the socket's owner (SO_PEERCRED) */
	"getsockopt", "geteuid",
	/* hot-plug: a new backing and its unit GUID record (fchmod 0644); libpmem's
	 * pmem_map_file, which asks libndctl about the file's device and
	 * walks sysfs (fts: fchdir, getdents64) */
	"fallocate", "mkdir", "mkdirat", "rename", "renameat", "renameat2",
	"link", "linkat", "pwrite64", "statfs", "fchdir", "getdents64",
	"access", "faccessat", "faccessat2", "readlinkat", "umask", "getuid",
	"getgid", "getegid", "fchmod", NULL,
};

/* the terminal (isatty, raw mode and back); every KVM ioctl is type 0xAE */
static const unsigned long main_ioctls[] = { TCGETS, TCSETS, TCSETSW, TCSETSF };

const struct sandbox_policy run_main_policy = {
	.thread = "main",
	.syscalls = main_syscalls,
	.ioctls = main_ioctls,
	.nr_ioctls = sizeof(main_ioctls) / sizeof(main_ioctls[0]),
	.ioctl_type = KVMIO,
};
