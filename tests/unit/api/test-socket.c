// SPDX-License-Identifier: GPL-2.0
/*
 * The control socket's file (api/socket.c, api_server__open/__close):
 * where it goes by the environment, the directory it may go in, and
 * never taking over a live VM's socket or a file that is not a socket.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "server-fixture.h"
#include "expect-error.h"

#define NOBODY 65534

/*
 * api_socket__dir() as a user that is not root, with XDG_RUNTIME_DIR set
 * to @xdg (NULL: unset) and no LKVM_RUN_DIR. Root runs it in a child that
 * gives up root. Returns its result, the directory or the message in @out.
 */
static int dir_as_user(const char *xdg, char *out, size_t len)
{
	int p[2], status, ret;
	ssize_t n;
	pid_t pid;

	unsetenv("LKVM_RUN_DIR");
	if (xdg)
		setenv("XDG_RUNTIME_DIR", xdg, 1);
	else
		unsetenv("XDG_RUNTIME_DIR");
	setenv("HOME", "/home/nobody", 1);	/* never used */
	if (geteuid() != 0) {
		ret = api_socket__dir(out, len);
		if (ret)
			snprintf(out, len, "%s", lkvm__last_error());
		return ret;
	}
	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		if (setresuid(NOBODY, NOBODY, NOBODY))
			_exit(99);
		ret = api_socket__dir(out, len);
		if (ret)
			snprintf(out, len, "%s", lkvm__last_error());
		n = write(p[1], out, strlen(out) + 1);
		_exit(n > 0 ? -ret : 99);
	}
	close(p[1]);
	n = read(p[0], out, len);
	close(p[0]);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) != 99 && n > 0);
	return -WEXITSTATUS(status);
}

static void test_dir_rules(void **state)
{
	char dir[API_SOCKET_PATH_MAX];

	(void)state;
	setenv("LKVM_RUN_DIR", "/var/tmp/lkvm-runs", 1);
	setenv("XDG_RUNTIME_DIR", "/run/user/1000", 1);
	assert_int_equal(api_socket__dir(dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/var/tmp/lkvm-runs");
	setenv("LKVM_RUN_DIR", "runs", 1);
	expect_error(api_socket__dir(dir, sizeof(dir)), "LKVM_RUN_DIR");
	unsetenv("LKVM_RUN_DIR");
	if (geteuid() == 0) {
		assert_int_equal(api_socket__dir(dir, sizeof(dir)), 0);
		assert_string_equal(dir, "/run/lkvm");
	}
	assert_int_equal(dir_as_user("/run/user/1000", dir, sizeof(dir)), 0);
	assert_string_equal(dir, "/run/user/1000/lkvm");
	assert_int_equal(dir_as_user(NULL, dir, sizeof(dir)), -ENOENT);
	assert_non_null(strstr(dir, "XDG_RUNTIME_DIR"));
	assert_null(strstr(dir, "/home"));
	/* relative: not a runtime directory by the XDG rules */
	assert_int_equal(dir_as_user("run/user", dir, sizeof(dir)), -ENOENT);
	assert_int_equal(dir_as_user("", dir, sizeof(dir)), -ENOENT);
	unsetenv("XDG_RUNTIME_DIR");
}

static void test_path_rules(void **state)
{
	char path[API_SOCKET_PATH_MAX], longer[API_SOCKET_PATH_MAX + 8];

	(void)state;
	setenv("LKVM_RUN_DIR", "/var/tmp/lkvm-runs", 1);
	assert_int_equal(api_socket__path("vm0", NULL, path, sizeof(path)), 0);
	assert_string_equal(path, "/var/tmp/lkvm-runs/vm0.sock");
	assert_int_equal(api_socket__path("vm0", "/tmp/x.sock", path, sizeof(path)), 0);
	assert_string_equal(path, "/tmp/x.sock");
	expect_error(api_socket__path("a/b", NULL, path, sizeof(path)), "a/b");
	expect_error(api_socket__path("vm0", "", path, sizeof(path)), "empty");
	/* sun_path holds 107 bytes and a NUL */
	memset(longer, 'a', sizeof(longer));
	longer[0] = '/';
	longer[API_SOCKET_PATH_MAX - 1] = '\0';
	assert_int_equal(api_socket__path("vm0", longer, path, sizeof(path)), 0);
	longer[API_SOCKET_PATH_MAX - 1] = 'a';
	longer[API_SOCKET_PATH_MAX] = '\0';
	assert_int_equal(api_socket__path("vm0", longer, path, sizeof(path)),
			 -ENAMETOOLONG);
	assert_non_null(strstr(lkvm__last_error(), "107"));
	/* a directory that leaves no room for the name */
	longer[API_SOCKET_PATH_MAX - 8] = '\0';
	setenv("LKVM_RUN_DIR", longer, 1);
	expect_error(api_socket__path("vm0", NULL, path, sizeof(path)), "vm0.sock");
	unsetenv("LKVM_RUN_DIR");
	unsetenv("XDG_RUNTIME_DIR");
	if (geteuid() != 0)
		expect_error(api_socket__path("vm0", NULL, path, sizeof(path)),
			     "XDG_RUNTIME_DIR");
}

static void test_second_server_refused(void **state)
{
	struct fx *fx = *state;
	struct api_server second;

	fx_open(fx);
	expect_error(api_server__open(&second, fx->path, &fx->loop, fx_handle, fx),
		     "a VM named vm0 is already running");
	assert_int_equal(api_server__open(&second, fx->path, &fx->loop, fx_handle, fx),
			 -EADDRINUSE);
	api_server__close(&second);	/* a no-op */
	/* the first one's socket is still there, and served */
	assert_true(api_socket__is_live(fx->path));
	api_server__close(&fx->server);
	assert_false(api_socket__is_live(fx->path));
	assert_int_equal(access(fx->path, F_OK), -1);
	api_server__close(&fx->server);	/* twice is harmless */
}

static void test_stale_socket_replaced(void **state)
{
	struct fx *fx = *state;
	struct sockaddr_un addr = { .sun_family = AF_UNIX };
	struct client c;
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	/* a VM that died without removing its socket */
	strcpy(addr.sun_path, fx->path);
	assert_int_equal(bind(fd, (struct sockaddr *)&addr, sizeof(addr)), 0);
	close(fd);
	assert_false(api_socket__is_live(fx->path));
	fx_open(fx);
	client_open(fx, &c);
	client_send(&c, "GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
	assert_true(serve_until(fx, client_done, &c, 2000));
	assert_int_equal(client_status(&c, NULL, 0), 200);
	client_free(&c);
}

static void test_other_files_refused(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	FILE *f = fopen(fx->path, "w");

	assert_non_null(f);
	fclose(f);
	expect_error(api_server__open(&fx->server, fx->path, &fx->loop, fx_handle, fx),
		     "not a socket");
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(unlink(fx->path), 0);
	assert_int_equal(symlink("/dev/null", fx->path), 0);
	expect_error(api_server__open(&fx->server, fx->path, &fx->loop, fx_handle, fx),
		     "not a socket");
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISLNK(st.st_mode));
	/* and nothing was left watched: a failed open takes no slot */
	assert_int_equal(fx->server.fd, -1);
}

static void test_directory_rules(void **state)
{
	struct fx *fx = *state;
	char path[API_SOCKET_PATH_MAX];
	struct stat st;

	/* a missing one is made, private */
	snprintf(path, sizeof(path), "%s/run/vm0.sock", fx->scratch->dir);
	assert_int_equal(api_server__open(&fx->server, path, &fx->loop, fx_handle,
					  fx), 0);
	assert_int_equal(stat(fx->scratch->dir, &st), 0);
	snprintf(path, sizeof(path), "%s/run", fx->scratch->dir);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	api_server__close(&fx->server);
	/* one others may write to is refused, unless sticky (/tmp) */
	chmod(fx->scratch->dir, 0777);
	expect_error(api_server__open(&fx->server, fx->path, &fx->loop, fx_handle, fx),
		     "others may write");
	chmod(fx->scratch->dir, 01777);
	fx_open(fx);
	api_server__close(&fx->server);
	chmod(fx->scratch->dir, 0700);
	/* one that belongs to someone else, neither us nor root */
	if (geteuid() == 0) {
		assert_int_equal(chown(fx->scratch->dir, NOBODY, NOBODY), 0);
		expect_error(api_server__open(&fx->server, fx->path, &fx->loop,
					      fx_handle, fx), "another user");
		assert_int_equal(chown(fx->scratch->dir, 0, 0), 0);
	}
	/* a missing parent is not made */
	snprintf(path, sizeof(path), "%s/a/b/vm0.sock", fx->scratch->dir);
	expect_error(api_server__open(&fx->server, path, &fx->loop, fx_handle, fx),
		     "No such file");
}

/* Close removes the socket file only while it is still the one made. */
static void test_close_removes_only_ours(void **state)
{
	struct fx *fx = *state;
	struct stat st;
	FILE *f;

	fx_open(fx);
	api_server__close(&fx->server);
	assert_int_equal(lstat(fx->path, &st), -1);
	fx_open(fx);
	/* someone replaced it meanwhile */
	assert_int_equal(unlink(fx->path), 0);
	f = fopen(fx->path, "w");
	assert_non_null(f);
	fclose(f);
	api_server__close(&fx->server);
	assert_int_equal(lstat(fx->path, &st), 0);
	assert_true(S_ISREG(st.st_mode));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dir_rules),
		cmocka_unit_test(test_path_rules),
		cmocka_unit_test_setup_teardown(test_second_server_refused, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_other_files_refused, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_directory_rules, fx_setup,
						fx_teardown),
		cmocka_unit_test_setup_teardown(test_close_removes_only_ours, fx_setup,
						fx_teardown),
	};

	return cmocka_run_group_tests_name("api socket", tests, NULL, NULL);
}
