/*
 * The seccomp filter that keeps imgid from starting processes.  Once it is
 * installed, no code in the process, ImageMagick's delegates and every
 * library included, can fork, exec or open a network socket.  The denied
 * calls fail with an error instead of killing the process, so that a
 * library that tries reports a failure, which imgid prints as an error for
 * that file and then goes on with the next.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#ifdef HAVE_SECCOMP
#include <sched.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include <seccomp.h>
#endif

#include "imgid.h"

#ifdef HAVE_SECCOMP

/* s390 passes the clone flags as the second argument, other ABIs first. */
#if defined(__s390__) || defined(__s390x__)
#define CLONE_FLAGS_ARG	1
#else
#define CLONE_FLAGS_ARG	0
#endif

/* System calls that fail with EPERM whatever their arguments. */
static const int sandbox_denied[] = {
	SCMP_SYS(fork), SCMP_SYS(vfork), SCMP_SYS(execve), SCMP_SYS(execveat)
};

/*
 * Add the rules to ctx.  Return 0, or a negative errno value from
 * libseccomp.  libseccomp skips a call that the architecture does not
 * have (aarch64 has no fork), and its filter kills a call made through
 * another ABI (i386 or x32 on x86_64), whose numbers these rules do not
 * cover.
 */
static int
sandbox_rules(scmp_filter_ctx ctx)
{
	const uint32_t	 eperm = SCMP_ACT_ERRNO(EPERM);
	size_t		 i;
	int		 rc;

	for (i = 0; i < sizeof(sandbox_denied) / sizeof(sandbox_denied[0]);
	    i++) {
		rc = seccomp_rule_add(ctx, eperm, sandbox_denied[i], 0);
		if (rc < 0)
			return rc;
	}

	/* pthread_create passes CLONE_THREAD; fork and posix_spawn do not. */
	rc = seccomp_rule_add(ctx, eperm, SCMP_SYS(clone), 1,
	    SCMP_CMP(CLONE_FLAGS_ARG, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0));
	if (rc < 0)
		return rc;

	/*
	 * clone3 passes its flags in memory, which a filter cannot read.
	 * ENOSYS makes glibc (2.34 and later) fall back to clone, whose
	 * flags the rule above checks.
	 */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3), 0);
	if (rc < 0)
		return rc;

	/* Local sockets stay open to libraries: nothing leaves the host. */
	rc = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES), SCMP_SYS(socket), 1,
	    SCMP_A0(SCMP_CMP_NE, AF_UNIX));
	if (rc < 0)
		return rc;
	return seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EACCES),
	    SCMP_SYS(socketpair), 1, SCMP_A0(SCMP_CMP_NE, AF_UNIX));
}

/*
 * Build and load the filter.  TSYNC applies it to every thread that
 * already runs, should a library have started one.
 */
static int
sandbox_load(void)
{
	scmp_filter_ctx	 ctx;
	int		 rc;

	if ((ctx = seccomp_init(SCMP_ACT_ALLOW)) == NULL)
		return -ENOMEM;
	rc = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_TSYNC, 1);
	if (rc == 0)
		rc = sandbox_rules(ctx);
	if (rc == 0)
		rc = seccomp_load(ctx);
	seccomp_release(ctx);
	return rc;
}

/*
 * Install the filter for the rest of the process's life.  Return 0, or -1
 * with a message in err.  NO_NEW_PRIVS comes first because the kernel
 * accepts a filter from an unprivileged process only with it set.
 */
int
sandbox_enter(char *err, size_t errlen)
{
	int	 rc;

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(err, errlen, "cannot set no_new_privs: %s "
		    "(use --no-sandbox to run without the filter)",
		    strerror(errno));
		return -1;
	}
	if ((rc = sandbox_load()) < 0) {
		snprintf(err, errlen, "cannot install the seccomp filter: %s "
		    "(use --no-sandbox to run without it)", strerror(-rc));
		return -1;
	}
	return 0;
}

#else

/* Built --without-seccomp: there is no filter to install. */
int
sandbox_enter(char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	return 0;
}

#endif
