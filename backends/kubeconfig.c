/*
 * kubeconfig.c: read kubeconfig as kubectl does, with libyaml and no client
 * library, and produce per-request credentials, running exec credential
 * plugins as children of the event loop.
 *
 * This file is the entry point (kubeconfig_load, kubeconfig_free) and the
 * small helpers every part uses.  The work is in four parts, one file each,
 * sharing backends/kubeconfig_int.h:
 *
 *  - kubeconfig_parse.c: each file becomes lists of named clusters, users
 *    and contexts.  Values are typed as kubectl types them (YAML 1.1 plain
 *    scalars: "yes" is a boolean, 0x1F a number), so a file kubectl refuses
 *    is refused here too, with the line and column.  Relative paths are
 *    made absolute against the directory of the file being parsed, which is
 *    how kubectl resolves them per defining file.  Several files merge as
 *    kubectl merges them: the first file to define a name wins, the first
 *    non-empty current-context wins;
 *  - kubeconfig_choose.c: the chosen context's cluster and user are
 *    validated with client-go's rules and messages, or, when nothing is
 *    configured, the pod's service account is used;
 *  - kubeconfig_cred.c: static credentials, assembled on every request, so
 *    a token file is read again each time and rotation is seen at once;
 *  - kubeconfig_exec.c: exec plugins, spawned with pipes (never a
 *    terminal), read through loop fd watchers, reaped through the loop's
 *    SIGCHLD handling, killed on a timer; the ExecCredential they print is
 *    parsed and cached until it expires or is invalidated.
 *
 * Secrets are wiped before their memory is freed and never formatted into
 * a message; errors about a secret field name the field, not its value.
 */
#include "config.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/xmalloc.h"

/* ------------------------------------------------------------------------ */
/* Small helpers. */

/* Overwrite memory in a way the compiler may not remove. */
void
kc_wipe(void *p, size_t len)
{
	volatile unsigned char	*v = p;

	while (len-- > 0)
		*v++ = 0;
}

/* Wipe and free a NUL-terminated secret. */
void
kc_free_secret(char *s)
{
	if (s != NULL) {
		kc_wipe(s, strlen(s));
		free(s);
	}
}

/* Wipe and free a secret buffer of known length. */
void
kc_free_secret_n(char *s, size_t len)
{
	if (s != NULL) {
		kc_wipe(s, len);
		free(s);
	}
}

/* Copy n bytes and terminate them. */
char *
kc_memdup(const void *p, size_t n)
{
	char	*s;

	s = xmalloc(n + 1);
	if (n > 0)
		memcpy(s, p, n);
	s[n] = '\0';
	return s;
}

/* Read a whole file up to limit bytes; caller frees (and wipes if secret). */
char *
kc_read_file(const char *path, size_t limit, size_t *len, char **cause)
{
	struct buf	b;
	char		*error = NULL;

	buf_init(&b, limit);
	if (buf_read_file(&b, path, &error) != 0) {
		if (b.data != NULL)
			kc_wipe(b.data, b.len);
		buf_done(&b);
		*cause = error;
		return NULL;
	}
	if (len != NULL)
		*len = b.len;
	return buf_detach(&b);
}

/* Remove leading and trailing white space in place. */
char *
kc_trim(char *s)
{
	size_t	n;

	while (isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* A string for a message: sanitised for the terminal; caller frees. */
char *
kc_clean(const char *s)
{
	return sanitize_terminal(s == NULL ? "" : s, 0);
}

/* Make an error message safe for any terminal, in place. */
void
kc_clean_cause(char **cause)
{
	char	*s;

	if (*cause == NULL)
		return;
	s = sanitize_terminal(*cause, SANITIZE_MULTILINE);
	free(*cause);
	*cause = s;
}

/* ------------------------------------------------------------------------ */
/* Loading and freeing. */

/* Find, read, merge and validate the configuration. */
int
kubeconfig_load(const struct kubeconfig_options *o, struct kubeconfig **out,
    char **cause)
{
	struct kubeconfig_options	 none;
	struct kubeconfig		*kc;
	struct kc_set			 set;
	char				*why = NULL, *sources;
	int				 rc;

	if (o == NULL) {
		memset(&none, 0, sizeof none);
		o = &none;
	}
	kc = xcalloc(1, sizeof *kc);
	kc->exec_timeout_ms = o->exec_timeout_ms > 0 ? o->exec_timeout_ms :
	    KUBECONFIG_EXEC_TIMEOUT_MS;
	kc->next_id = 1;

	if (kc_load_files(kc, o, &set, cause) != 0) {
		kc_clean_cause(cause);
		kubeconfig_free(kc);
		return -1;
	}
	if (set.nclusters == 0 && set.nusers == 0 && set.ncontexts == 0 &&
	    set.current_context == NULL && o->context == NULL) {
		/* Nothing configured: as kubectl, try the pod's account. */
		sources = kc->sources;
		kc->sources = NULL;
		rc = kc_in_cluster(kc, o->sa_dir != NULL ? o->sa_dir :
		    KUBECONFIG_SA_DIR, &why, cause);
		if (rc == 1)
			*cause = xasprintf("no Kubernetes configuration found: "
			    "nothing in %s, and %s; set KUBECONFIG, "
			    "kubernetes.kubeconfig or --kubeconfig to a "
			    "kubeconfig file", sources, why);
		free(why);
		free(sources);
		kc_set_done(&set);
		if (rc != 0) {
			kc_clean_cause(cause);
			kubeconfig_free(kc);
			return -1;
		}
	} else {
		rc = kc_choose(kc, &set, o->context, cause);
		kc_set_done(&set);
		if (rc != 0) {
			kc_clean_cause(cause);
			kubeconfig_free(kc);
			return -1;
		}
	}
	if (kc->user != NULL && kc->user->exec != NULL &&
	    kc->user->exec->provide_cluster_info)
		kc->cluster_json = kc_cluster_json(kc);
	kc_describe(kc);
	*out = kc;
	return 0;
}

/* What was resolved. */
const struct kubeconfig_info *
kubeconfig_info(const struct kubeconfig *kc)
{
	return &kc->info;
}

/* A constant name for an auth kind. */
const char *
kubeconfig_auth_name(enum kubeconfig_auth auth)
{
	switch (auth) {
	case KUBECONFIG_AUTH_NONE:
		return "none";
	case KUBECONFIG_AUTH_TOKEN:
		return "token";
	case KUBECONFIG_AUTH_TOKEN_FILE:
		return "tokenFile";
	case KUBECONFIG_AUTH_BASIC:
		return "basic";
	case KUBECONFIG_AUTH_CLIENT_CERT:
		return "clientCert";
	case KUBECONFIG_AUTH_EXEC:
		return "exec";
	}
	return "none";
}

/* Free everything; pending requests hear "cancelled". */
void
kubeconfig_free(struct kubeconfig *kc)
{
	if (kc == NULL)
		return;
	kc_exec_stop(kc);
	kc_cred_clear(kc);
	memset(&kc->cred, 0, sizeof kc->cred);
	kc_deliver(kc, "cancelled");
	kc_exec_clear(kc);
	free(kc->sources);
	free(kc->context);
	free(kc->cluster_name);
	free(kc->user_name);
	free(kc->server);
	free(kc->namespace);
	free(kc->ca_file);
	free(kc->ca_data);
	free(kc->tls_server_name);
	free(kc->proxy_url);
	free(kc->description);
	free(kc->cluster_json);
	kc_user_free(kc->user);
	free(kc);
}
