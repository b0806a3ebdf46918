// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's file: where it goes, the directory it goes in,
 * and making it without taking over another VM's. The checks are against
 * mistakes and other users, not against ourselves: a directory only we
 * (or root) can write to keeps its files as we leave them.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "socket-internal.h"
#include "lkvm/api-server.h"
#include "lkvm/util.h"

_Static_assert(API_SOCKET_PATH_MAX == sizeof(((struct sockaddr_un *)0)->sun_path),
	       "API_SOCKET_PATH_MAX is sun_path's size");

/* @var's value if it is an absolute path, else NULL. */
static const char *absolute_env(const char *var)
{
	const char *v = getenv(var);

	return v && v[0] == '/' ? v : NULL;
}

int api_socket__dir(char *out, size_t len)
{
	const char *run_dir = getenv("LKVM_RUN_DIR"), *xdg;
	int n;

	if (run_dir && run_dir[0] && run_dir[0] != '/')
		return lkvm__fail(-EINVAL, "LKVM_RUN_DIR is not an absolute path: %s",
				  run_dir);
	if (run_dir && run_dir[0])
		n = snprintf(out, len, "%s", run_dir);
	else if (geteuid() == 0)
		n = snprintf(out, len, "/run/lkvm");
	else if ((xdg = absolute_env("XDG_RUNTIME_DIR")))
		n = snprintf(out, len, "%s/lkvm", xdg);
	else
		return lkvm__fail(-ENOENT, "no directory for the control socket: "
				  "set XDG_RUNTIME_DIR or LKVM_RUN_DIR, or give "
				  "--api-socket");
	if (n < 0 || (size_t)n >= len)
		return lkvm__fail(-ENAMETOOLONG, "the control socket's directory "
				  "is too long: %s", out);
	return 0;
}

int api_socket__path(const char *name, const char *override, char *out,
		     size_t len)
{
	char dir[API_SOCKET_PATH_MAX];
	int n, ret;

	if (override) {
		n = snprintf(out, len, "%s", override);
	} else {
		/* the options checked the name; a path part here is a bug */
		if (!name[0] || strchr(name, '/') || name[0] == '.')
			return lkvm__fail(-EINVAL, "'%s' cannot name a socket", name);
		ret = api_socket__dir(dir, sizeof(dir));
		if (ret)
			return ret;
		n = snprintf(out, len, "%s/%s.sock", dir, name);
	}
	if (n < 0 || (size_t)n >= len || n >= API_SOCKET_PATH_MAX)
		return lkvm__fail(-ENAMETOOLONG, "the control socket's path is "
				  "longer than a Unix socket's %d bytes: %s%s%s%s",
				  API_SOCKET_PATH_MAX - 1, override ? override : dir,
				  override ? "" : "/", override ? "" : name,
				  override ? "" : ".sock");
	if (!out[0])
		return lkvm__fail(-EINVAL, "--api-socket: an empty path");
	return 0;
}

/* @path as a socket address; -ENAMETOOLONG if it does not fit. */
static int address_of(const char *path, struct sockaddr_un *addr)
{
	memset(addr, 0, sizeof(*addr));
	addr->sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(addr->sun_path))
		return -ENAMETOOLONG;
	memcpy(addr->sun_path, path, strlen(path));
	return 0;
}

int api_socket__connect(const char *path, int flags)
{
	struct sockaddr_un addr;
	int fd, err;

	err = address_of(path, &addr);
	if (err)
		return err;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | flags, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

/* 0 if something listens on @path, else a negative errno (-ECONNREFUSED: stale). */
static int probe(const char *path)
{
	int fd = api_socket__connect(path, SOCK_NONBLOCK);

	/* a full backlog (EAGAIN) still means a listener */
	if (fd == -EAGAIN)
		return 0;
	if (fd < 0)
		return fd;
	close(fd);
	return 0;
}

bool api_socket__is_live(const char *path)
{
	return probe(path) == 0;
}

/* The directory of @path, in @dir (API_SOCKET_PATH_MAX bytes). */
static void dir_of(const char *path, char *dir)
{
	char *slash;

	snprintf(dir, API_SOCKET_PATH_MAX, "%s", path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else if (slash == dir)
		dir[1] = '\0';
	else
		*slash = '\0';
}

/* @dir, made if missing (only its last part), and safe to keep a socket in. */
static int prepare_dir(const char *dir)
{
	struct stat st;

	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return lkvm__fail(-errno, "cannot make the control socket's "
				  "directory %s: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0)
		return lkvm__fail(-errno, "%s: %s", dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return lkvm__fail(-ENOTDIR, "%s is not a directory", dir);
	if (st.st_uid != geteuid() && st.st_uid != 0)
		return lkvm__fail(-EPERM, "the control socket's directory %s "
				  "belongs to another user (uid %u)", dir,
				  (unsigned int)st.st_uid);
	if ((st.st_mode & (S_IWGRP | S_IWOTH)) && !(st.st_mode & S_ISVTX))
		return lkvm__fail(-EPERM, "others may write to the control "
				  "socket's directory %s (mode %04o)", dir,
				  (unsigned int)(st.st_mode & 07777));
	return 0;
}

/* The VM a socket path names: its file name without ".sock". */
static void name_of(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	n = strlen(base);
	if (n > 5 && !strcmp(base + n - 5, ".sock"))
		n -= 5;
	snprintf(name, len, "%.*s", (int)n, base);
}

/* Nothing at @path, or a socket nothing listens on any more (removed). */
static int clear_path(const char *path)
{
	char name[API_SOCKET_PATH_MAX];
	struct stat st;
	int ret;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
		       lkvm__fail(-errno, "%s: %s", path, strerror(errno));
	if (!S_ISSOCK(st.st_mode))
		return lkvm__fail(-EEXIST, "%s exists and is not a socket", path);
	ret = probe(path);
	if (!ret) {
		name_of(path, name, sizeof(name));
		return lkvm__fail(-EADDRINUSE, "a VM named %s is already running (%s)",
				  name, path);
	}
	if (ret != -ECONNREFUSED)
		return lkvm__fail(ret, "cannot tell whether %s is in use: %s", path,
				  strerror(-ret));
	/* a VM that is gone left it */
	if (unlink(path) < 0 && errno != ENOENT)
		return lkvm__fail(-errno, "cannot remove the stale socket %s: %s",
				  path, strerror(errno));
	return 0;
}

/* Bind @fd to @path, 0600 before anyone can connect (that needs listen). */
static int bind_private(int fd, const char *path, uint64_t *dev, uint64_t *ino)
{
	struct sockaddr_un addr;
	struct stat st;
	int err;

	err = address_of(path, &addr);
	if (err)
		return lkvm__fail(err, "control socket path too long: %.80s", path);
	if (bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0)
		return lkvm__fail(-errno, "cannot make the control socket %s: %s",
				  path, strerror(errno));
	if (chmod(path, 0600) < 0 || lstat(path, &st) < 0) {
		err = errno;
		unlink(path);
		return lkvm__fail(-err, "%s: %s", path, strerror(err));
	}
	*dev = st.st_dev;
	*ino = st.st_ino;
	return 0;
}

int api_socket__listen(const char *path, uint64_t *dev, uint64_t *ino)
{
	char dir[API_SOCKET_PATH_MAX];
	int fd, ret;

	if (strlen(path) >= API_SOCKET_PATH_MAX)
		return lkvm__fail(-ENAMETOOLONG, "the control socket's path is too "
				  "long: %s", path);
	dir_of(path, dir);
	ret = prepare_dir(dir);
	if (!ret)
		ret = clear_path(path);
	if (ret)
		return ret;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return lkvm__fail(-errno, "socket: %s", strerror(errno));
	ret = bind_private(fd, path, dev, ino);
	if (!ret && listen(fd, SOMAXCONN) < 0) {
		ret = lkvm__fail(-errno, "cannot listen on %s: %s", path,
				 strerror(errno));
		unlink(path);
	}
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}
