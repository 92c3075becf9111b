/*
 * The seccomp filter, tested from inside: after sandbox_enter, every way
 * glibc has to start a process fails with an error, network sockets fail,
 * and threads still start.  The runner cannot fork, so Check runs in
 * CK_NOFORK mode and the filter, once entered, covers every test.
 */
#include "config.h"

#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "imgid.h"

extern char **environ;

/* /bin/false: should an exec get through, the test program exits 1. */
#define FALSE_PROGRAM	"/bin/false"

static char	 marker[64];

/* Return 1 when the file a failed command would have made exists. */
static int
marker_exists(void)
{
	struct stat	 st;

	return stat(marker, &st) == 0;
}

START_TEST(fork_fails)
{
	pid_t	 pid;

	errno = 0;
	pid = fork();
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(pid, -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(vfork_syscall_fails)
{
#ifdef SYS_vfork
	long	 pid;

	errno = 0;
	pid = syscall(SYS_vfork);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(pid, -1);
	ck_assert_int_eq(errno, EPERM);
#endif
}
END_TEST

START_TEST(clone_without_thread_fails)
{
	long	 pid;

	errno = 0;
	pid = syscall(SYS_clone, (unsigned long)SIGCHLD, NULL, NULL, NULL,
	    NULL);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(pid, -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(clone3_reports_enosys)
{
#ifdef SYS_clone3
	long	 rc;

	/* A zeroed argument block would be a fork, were it let through. */
	unsigned long long	 args[11];

	memset(args, 0, sizeof(args));
	errno = 0;
	rc = syscall(SYS_clone3, args, sizeof(args));
	if (rc == 0)
		_exit(0);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, ENOSYS);
#endif
}
END_TEST

START_TEST(posix_spawn_fails)
{
	char	*argv[] = { FALSE_PROGRAM, NULL };
	pid_t	 pid = 0;
	int	 rc;

	rc = posix_spawn(&pid, FALSE_PROGRAM, NULL, NULL, argv, environ);
	ck_assert_int_ne(rc, 0);
	ck_assert_int_eq(pid, 0);
}
END_TEST

START_TEST(system_fails)
{
	char	 command[128];
	int	 status;

	snprintf(command, sizeof(command), "echo > %s", marker);
	status = system(command);
	ck_assert_int_ne(status, 0);
	ck_assert(!marker_exists());
}
END_TEST

START_TEST(popen_fails)
{
	char	 command[128];
	FILE	*f;

	snprintf(command, sizeof(command), "echo > %s", marker);
	f = popen(command, "r");
	if (f != NULL)
		pclose(f);
	ck_assert_ptr_null(f);
	ck_assert(!marker_exists());
}
END_TEST

START_TEST(execve_fails)
{
	char	*argv[] = { FALSE_PROGRAM, NULL };

	errno = 0;
	ck_assert_int_eq(execve(FALSE_PROGRAM, argv, environ), -1);
	ck_assert_int_eq(errno, EPERM);
}
END_TEST

START_TEST(execveat_fails)
{
#ifdef SYS_execveat
	char	*argv[] = { FALSE_PROGRAM, NULL };
	long	 rc;

	errno = 0;
	rc = syscall(SYS_execveat, AT_FDCWD, FALSE_PROGRAM, argv, environ, 0);
	ck_assert_int_eq(rc, -1);
	ck_assert_int_eq(errno, EPERM);
#endif
}
END_TEST

static const int network_families[] = {
	AF_INET, AF_INET6, AF_PACKET, AF_NETLINK
};

START_TEST(network_socket_fails)
{
	int	 family = network_families[_i], fd;

	errno = 0;
	fd = socket(family, SOCK_DGRAM, 0);
	if (fd != -1)
		close(fd);
	ck_assert_msg(fd == -1, "socket(%d) was allowed", family);
	ck_assert_msg(errno == EACCES, "socket(%d): errno %d, expected %d",
	    family, errno, EACCES);
}
END_TEST

START_TEST(network_socketpair_fails)
{
	int	 fds[2];

	errno = 0;
	ck_assert_int_eq(socketpair(AF_INET, SOCK_STREAM, 0, fds), -1);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

START_TEST(unix_socket_works)
{
	int	 fd, fds[2];

	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM, 0, fds), 0);
	close(fds[0]);
	close(fds[1]);
}
END_TEST

static void *
thread_main(void *arg)
{
	*(int *)arg = 1;
	return arg;
}

START_TEST(pthread_create_works)
{
	pthread_t	 thread;
	int		 ran = 0;
	void		*ret = NULL;

	ck_assert_int_eq(pthread_create(&thread, NULL, thread_main, &ran), 0);
	ck_assert_int_eq(pthread_join(thread, &ret), 0);
	ck_assert_int_eq(ran, 1);
	ck_assert_ptr_eq(ret, &ran);
}
END_TEST

static Suite *
sandbox_suite(void)
{
	Suite	*s = suite_create("sandbox");
	TCase	*tc;

	tc = tcase_create("process");
	tcase_add_test(tc, fork_fails);
	tcase_add_test(tc, vfork_syscall_fails);
	tcase_add_test(tc, clone_without_thread_fails);
	tcase_add_test(tc, clone3_reports_enosys);
	tcase_add_test(tc, posix_spawn_fails);
	tcase_add_test(tc, system_fails);
	tcase_add_test(tc, popen_fails);
	tcase_add_test(tc, execve_fails);
	tcase_add_test(tc, execveat_fails);
	suite_add_tcase(s, tc);

	tc = tcase_create("network");
	tcase_add_loop_test(tc, network_socket_fails, 0,
	    sizeof(network_families) / sizeof(network_families[0]));
	tcase_add_test(tc, network_socketpair_fails);
	tcase_add_test(tc, unix_socket_works);
	suite_add_tcase(s, tc);

	tc = tcase_create("threads");
	tcase_add_test(tc, pthread_create_works);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr;
	char	 err[256];
	int	 failed;

#ifndef HAVE_SECCOMP
	puts("SKIP: built --without-seccomp, there is no filter to test");
	return 77;
#endif
	snprintf(marker, sizeof(marker), "check_sandbox.%ld.marker",
	    (long)getpid());
	if (sandbox_enter(err, sizeof(err)) != 0) {
		fprintf(stderr, "check_sandbox: %s\n", err);
		return 1;
	}
	sr = srunner_create(sandbox_suite());
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	if (marker_exists())
		unlink(marker);
	return failed == 0 ? 0 : 1;
}
