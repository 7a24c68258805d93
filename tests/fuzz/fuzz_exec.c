/*
 * fuzz_exec.c: what an exec credential plugin prints, on any bytes.
 *
 * A kubeconfig whose user runs a plugin (client.authentication.k8s.io/v1)
 * is loaded once; each input is taken as the plugin's standard output by
 * kc_exec_parse().  It returns 0 or -1.  On -1 there is a cause, safe for
 * a terminal, that never holds the token, certificate or key the output
 * carried (it holds the secret: a secret of 8 bytes or more, not part of
 * the apiVersion or kind a cause may quote, nor of the words a cause is
 * made of, read off the causes of one canned output per way to fail);
 * on 0 the cache holds a token or a whole
 * certificate and key pair, and the credential is handed out without
 * running anything, or the plugin is asked for again when the expiry has
 * passed.  Leaks are findings too (the parser wipes and frees what cJSON
 * copied of the secrets).
 */
#define _GNU_SOURCE	/* memfd_create */
#include "config.h"

#include <sys/mman.h>
#include <unistd.h>

#include <cJSON.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "tests/fuzz/fuzz.h"

static struct kubeconfig	*kc;
static char			*words[16];	/* the causes' own text */

/* One plugin output per way to fail, for the words of the causes. */
static const char *const canned[] = {
    "not json",
    "{}",
    "{\"apiVersion\":\"v0\",\"kind\":\"ExecCredential\"}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\",\"kind\":\"K\"}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\"}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\",\"status\":1}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\",\"status\":{\"token\":1}}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\",\"status\":{}}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\",\"status\":{\"clientKeyData\":\"k\"}}",
    "{\"apiVersion\":\"client.authentication.k8s.io/v1\","
	"\"kind\":\"ExecCredential\",\"status\":{\"token\":\"t\","
	"\"expirationTimestamp\":\"soon\"}}",
    NULL
};

static const char kubeconfig_text[] =
    "apiVersion: v1\n"
    "kind: Config\n"
    "current-context: c\n"
    "clusters:\n"
    "- name: c\n"
    "  cluster: {server: 'https://127.0.0.1:6443'}\n"
    "users:\n"
    "- name: u\n"
    "  user:\n"
    "    exec:\n"
    "      apiVersion: client.authentication.k8s.io/v1\n"
    "      command: /nonexistent/plugin\n"
    "      interactiveMode: Never\n"
    "contexts:\n"
    "- {name: c, context: {cluster: c, user: u}}\n";

/* Load the kubeconfig with the plugin, once. */
static void
load(void)
{
	struct kubeconfig_options	 o;
	char				 path[64], *cause = NULL;
	size_t				 i;
	int				 fd;

	if ((fd = memfd_create("kubeconfig", 0)) == -1 ||
	    write(fd, kubeconfig_text, sizeof kubeconfig_text - 1) !=
	    (ssize_t)(sizeof kubeconfig_text - 1)) {
		perror("memfd");
		exit(2);
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	memset(&o, 0, sizeof o);
	o.path = path;
	o.sa_dir = "/nonexistent/serviceaccount";
	if (kubeconfig_load(&o, &kc, &cause) != 0) {
		fprintf(stderr, "fuzz_exec: %s\n", cause);
		exit(2);
	}
	close(fd);
	for (i = 0; canned[i] != NULL; i++) {
		if (kc_exec_parse(kc, canned[i], strlen(canned[i]),
		    &words[i]) != -1) {
			fprintf(stderr, "fuzz_exec: canned output %zu did not "
			    "fail\n", i);
			exit(2);
		}
	}
}

/* Whether text is part of the words a cause is made of. */
static int
in_words(const char *text)
{
	size_t	i;

	for (i = 0; words[i] != NULL; i++) {
		if (strstr(words[i], text) != NULL)
			return 1;
	}
	return 0;
}

/* Whether member name of o is a string holding text. */
static int
member_holds(const cJSON *o, const char *name, const char *text)
{
	const cJSON	*v = cJSON_GetObjectItemCaseSensitive(o, name);

	return cJSON_IsString(v) && strstr(v->valuestring, text) != NULL;
}

/*
 * Whether cause holds the string member name of the output's status (8
 * bytes or more), other than as part of the apiVersion or kind a cause
 * may quote.
 */
static int
quotes(const char *cause, const cJSON *root, const char *name)
{
	const cJSON	*status, *v;

	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	v = cJSON_GetObjectItemCaseSensitive(status, name);
	return cJSON_IsString(v) && strlen(v->valuestring) >= 8 &&
	    strstr(cause, v->valuestring) != NULL &&
	    !member_holds(root, "apiVersion", v->valuestring) &&
	    !member_holds(root, "kind", v->valuestring) &&
	    !in_words(v->valuestring);
}

/* One input: the plugin's output. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct kubeconfig_credential	*cred = NULL;
	cJSON					*root;
	char					*out, *cause = NULL;
	int					 rc;

	if (kc == NULL)
		load();
	out = malloc(size > 0 ? size : 1);
	if (out == NULL)
		abort();
	if (size > 0)
		memcpy(out, data, size);
	rc = kc_exec_parse(kc, out, size, &cause);
	FUZZ_CHECK(rc == 0 || rc == -1, "0 or -1");
	if (rc == -1) {
		FUZZ_CHECK(cause != NULL && *cause != '\0',
		    "a cause on failure");
		FUZZ_CHECK(fuzz_terminal_safe(cause, 0),
		    "the cause is safe to show");
		root = cJSON_ParseWithLength(out, size);
		FUZZ_CHECK(!quotes(cause, root, "token") &&
		    !quotes(cause, root, "clientCertificateData") &&
		    !quotes(cause, root, "clientKeyData"),
		    "the cause never quotes a secret");
		cJSON_Delete(root);
		free(cause);
	} else {
		FUZZ_CHECK(cause == NULL, "no cause on success");
		FUZZ_CHECK(kc->exec_valid, "the cache is valid");
		FUZZ_CHECK(kc->exec_token != NULL || (kc->exec_cert != NULL &&
		    kc->exec_key != NULL), "a token or a pair");
		FUZZ_CHECK((kc->exec_cert == NULL) == (kc->exec_key == NULL),
		    "a whole pair");
		rc = kubeconfig_credential_now(kc, &cred, &cause);
		FUZZ_CHECK((rc == 0 && cred != NULL) || rc == 1 ||
		    (rc == -1 && cause != NULL && fuzz_terminal_safe(cause, 1)),
		    "handed out, or the plugin asked again");
		free(cause);
	}
	free(out);
	return 0;
}
