/*
 * fuzz_kubeconfig.c: the kubeconfig loader on any file.
 *
 * kubeconfig_load() reads only from a path, so each input is written to
 * a memory file (memfd) and loaded from /proc/self/fd/N, with a service
 * account folder that does not exist.  It returns 0 with a kubeconfig
 * and no cause, or -1 with a cause safe for a terminal and no kubeconfig;
 * after 0 the description is safe too and the credential is asked for
 * without running anything (0, 1 for a plugin, or -1 with a cause).
 * A cause may run over several lines (the files it names).
 * Leaks are findings too (the loader wipes and frees every secret).
 */
#define _GNU_SOURCE	/* memfd_create */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include "backends/kubeconfig.h"
#include "tests/fuzz/fuzz.h"

static int	fd = -1;
static char	path[64];

/* A cause that is there and safe to show. */
static void
check_cause(char *cause)
{
	FUZZ_CHECK(cause != NULL && *cause != '\0', "a cause on failure");
	FUZZ_CHECK(fuzz_terminal_safe(cause, 1), "the cause is safe to show");
	free(cause);
}

/* One input: load it as the kubeconfig. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kubeconfig_options		 o;
	struct kubeconfig			*kc = NULL;
	const struct kubeconfig_info		*info;
	const struct kubeconfig_credential	*cred;
	char					*cause = NULL;
	int					 rc;

	if (fd == -1) {
		if ((fd = memfd_create("kubeconfig", 0)) == -1) {
			perror("memfd_create");
			exit(2);
		}
		snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	}
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) !=
	    (ssize_t)size) {
		perror("memfd");
		exit(2);
	}

	memset(&o, 0, sizeof o);
	o.path = path;
	o.sa_dir = "/nonexistent/serviceaccount";
	rc = kubeconfig_load(&o, &kc, &cause);
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc != 0) {
		FUZZ_CHECK(kc == NULL, "no kubeconfig on failure");
		check_cause(cause);
		return 0;
	}
	FUZZ_CHECK(kc != NULL && cause == NULL, "a kubeconfig, no cause");
	info = kubeconfig_info(kc);
	FUZZ_CHECK(info != NULL && info->server != NULL, "a server");
	FUZZ_CHECK(fuzz_terminal_safe(info->description, 0),
	    "the description is safe to show");
	FUZZ_CHECK(fuzz_str_valid(info->namespace), "a namespace");
	FUZZ_CHECK(kubeconfig_auth_name(info->auth) != NULL, "a known auth");

	cred = NULL;
	rc = kubeconfig_credential_now(kc, &cred, &cause);
	FUZZ_CHECK(rc == 0 || rc == 1 || rc == -1, "0, 1 or -1");
	if (rc == 0)
		FUZZ_CHECK(cred != NULL && cred->server != NULL &&
		    cause == NULL, "a credential");
	else if (rc == 1)
		FUZZ_CHECK(info->auth == KUBECONFIG_AUTH_EXEC && cause == NULL,
		    "only a plugin waits");
	else
		check_cause(cause);
	kubeconfig_free(kc);
	return 0;
}
