/*
 * kubeconfig_exec.c: exec credential plugins, run as children of the event
 * loop, their result cached, and the requests that wait for it.
 *
 * A plugin runs through the loop's child runner (core/child.h): stdin on
 * /dev/null, stdout and stderr on pipes (never a terminal), its own
 * process group killed when it takes too long or prints too much, so
 * nothing here ever blocks the loop.  The ExecCredential it prints is checked as
 * client-go checks it and cached until its expirationTimestamp or until
 * the server refuses it (kubeconfig_credential_invalidate).  Requests made
 * while a plugin runs wait in a queue and share its result; every request
 * is answered from the loop, never from inside the call that made it.
 * Standard output holds the secret: it is capped, wiped, and never quoted
 * in a message; standard error is quoted, sanitised and shortened.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
#include "core/child.h"
#include "core/loop.h"

extern char **environ;

#define KC_EXEC_MAX_STDOUT	((size_t)1024 * 1024)
#define KC_EXEC_MAX_STDERR	((size_t)64 * 1024)
#define KC_EXEC_SHOW_STDERR	2000	/* characters of stderr in a message */
#define KC_PLUGIN_DOCS		"https://kubernetes.io/docs/reference/" \
	"access-authn-authz/authentication/#client-go-credential-plugins"

/* A request waiting for the credential. */
struct kc_waiter {
	int			 id;
	kubeconfig_credential_cb cb;
	void			*arg;
	struct kc_waiter	*next;
};

/* A running exec plugin. */
struct kc_run {
	struct kubeconfig	*kc;
	struct child		*child;
};

/* ------------------------------------------------------------------------ */
/* The cached result. */

/* Forget the cached exec result. */
void
kc_exec_clear(struct kubeconfig *kc)
{
	kc->exec_valid = 0;
	kc_free_secret(kc->exec_token);
	kc->exec_token = NULL;
	free(kc->exec_cert);
	kc->exec_cert = NULL;
	kc_free_secret_n(kc->exec_key, kc->exec_key_len);
	kc->exec_key = NULL;
	kc->exec_cert_len = kc->exec_key_len = 0;
	kc->exec_expires_ms = 0;
}

/* Is there an exec result that has not expired? */
int
kc_exec_cached(struct kubeconfig *kc)
{
	return kc->exec_valid && (kc->exec_expires_ms == 0 ||
	    util_now_ms() < kc->exec_expires_ms);
}

/* Drop the cached exec result after the server refused it. */
void
kubeconfig_credential_invalidate(struct kubeconfig *kc)
{
	kc_exec_clear(kc);
}

/* ------------------------------------------------------------------------ */
/* Exec credential plugins: the child process. */

/* The plugin's stderr made safe and short for a message; caller frees. */
static char *
kc_exec_stderr(const struct child_result *res)
{
	char	*u, *t, *s;
	size_t	 len;

	if (res->err_len == 0)
		return NULL;
	len = res->err_len > KC_EXEC_SHOW_STDERR ? KC_EXEC_SHOW_STDERR :
	    res->err_len;
	u = sanitize_utf8(res->err, len);
	t = kc_trim(u);
	if (*t == '\0') {
		free(u);
		return NULL;
	}
	s = sanitize_terminal(t, SANITIZE_MULTILINE);
	free(u);
	if (res->err_len > len || res->err_cut) {
		t = xasprintf("%s ...", s);
		free(s);
		s = t;
	}
	return s;
}

/* Append the plugin's stderr and install hint to a failure message. */
static char *
kc_exec_failure(struct kubeconfig *kc, const struct child_result *res,
    char *msg)
{
	struct kc_exec	*e = kc->user->exec;
	char		*err, *hint, *out;

	err = res != NULL ? kc_exec_stderr(res) : NULL;
	hint = e->install_hint != NULL ?
	    sanitize_terminal(e->install_hint, SANITIZE_MULTILINE) : NULL;
	out = xasprintf("%s%s%s%s%s", msg,
	    err != NULL ? "; it said: " : "", err != NULL ? err : "",
	    hint != NULL ? "\n\n" : "", hint != NULL ? hint : "");
	free(err);
	free(hint);
	free(msg);
	return out;
}

/* The plugin's environment: ours, its own, and KUBERNETES_EXEC_INFO. */
static char **
kc_exec_env(struct kubeconfig *kc)
{
	struct kc_exec	 *e = kc->user->exec;
	char		**env, *info;
	size_t		  n = 0, i, j, len;
	cJSON		 *o, *spec, *cl;

	for (i = 0; environ[i] != NULL; i++)
		;
	env = xcalloc(i + e->nenv + 2, sizeof *env);
	for (i = 0; environ[i] != NULL; i++) {
		len = strcspn(environ[i], "=");
		if (strncmp(environ[i], "KUBERNETES_EXEC_INFO=", 21) == 0)
			continue;
		for (j = 0; j < e->nenv; j++) {
			if (strncmp(e->env[j], environ[i], len + 1) == 0)
				break;
		}
		if (j == e->nenv)
			env[n++] = environ[i];
	}
	for (j = 0; j < e->nenv; j++)
		env[n++] = e->env[j];

	o = cJSON_CreateObject();
	cJSON_AddStringToObject(o, "kind", "ExecCredential");
	cJSON_AddStringToObject(o, "apiVersion", e->api_version);
	spec = cJSON_AddObjectToObject(o, "spec");
	if (e->provide_cluster_info && kc->cluster_json != NULL &&
	    (cl = cJSON_Parse(kc->cluster_json)) != NULL)
		cJSON_AddItemToObject(spec, "cluster", cl);
	cJSON_AddBoolToObject(spec, "interactive", 0);
	info = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	env[n++] = xasprintf("KUBERNETES_EXEC_INFO=%s",
	    info != NULL ? info : "{}");
	free(info);
	env[n] = NULL;
	return env;
}

/* Free what kc_exec_env built: only its last entry is its own. */
static void
kc_exec_env_free(char **env)
{
	size_t	i;

	for (i = 0; env[i] != NULL; i++)
		;
	if (i > 0)
		free(env[i - 1]);
	free(env);
}

/* Parse what the plugin printed into the exec cache; see kubeconfig_int.h. */
int
kc_exec_parse(struct kubeconfig *kc, const char *out, size_t len,
    char **cause)
{
	struct kc_exec	*e = kc->user->exec;
	cJSON		*root, *status, *v, *tok, *cert, *key, *exp;
	const char	*version;
	char		*s;
	int64_t		 expires = 0;
	int		 rc = -1;

	if ((root = cJSON_ParseWithLength(out, len)) == NULL ||
	    !cJSON_IsObject(root)) {
		*cause = xstrdup("decoding stdout: the plugin did not print "
		    "an ExecCredential JSON object");
		goto out;
	}
	v = cJSON_GetObjectItemCaseSensitive(root, "apiVersion");
	version = cJSON_IsString(v) ? v->valuestring : NULL;
	v = cJSON_GetObjectItemCaseSensitive(root, "kind");
	if (version == NULL || !cJSON_IsString(v)) {
		*cause = xstrdup("decoding stdout: couldn't get version/kind "
		    "from the plugin's output");
		goto out;
	}
	if (strcmp(version, e->api_version) != 0) {
		s = sanitize_excerpt(version, 64);
		*cause = xasprintf("exec plugin is configured to use API "
		    "version %s, plugin returned version %s",
		    e->api_version, s);
		free(s);
		goto out;
	}
	if (strcmp(v->valuestring, "ExecCredential") != 0) {
		s = sanitize_excerpt(v->valuestring, 64);
		*cause = xasprintf("decoding stdout: kind \"%s\" is not "
		    "ExecCredential", s);
		free(s);
		goto out;
	}
	status = cJSON_GetObjectItemCaseSensitive(root, "status");
	if (status == NULL || cJSON_IsNull(status)) {
		*cause = xstrdup("exec plugin didn't return a status field");
		goto out;
	}
	if (!cJSON_IsObject(status)) {
		*cause = xstrdup("decoding stdout: status must be an object");
		goto out;
	}
	tok = cJSON_GetObjectItemCaseSensitive(status, "token");
	cert = cJSON_GetObjectItemCaseSensitive(status,
	    "clientCertificateData");
	key = cJSON_GetObjectItemCaseSensitive(status, "clientKeyData");
	exp = cJSON_GetObjectItemCaseSensitive(status, "expirationTimestamp");
	if ((tok != NULL && !cJSON_IsString(tok) && !cJSON_IsNull(tok)) ||
	    (cert != NULL && !cJSON_IsString(cert) && !cJSON_IsNull(cert)) ||
	    (key != NULL && !cJSON_IsString(key) && !cJSON_IsNull(key))) {
		*cause = xstrdup("decoding stdout: token, clientCertificateData "
		    "and clientKeyData must be strings");
		goto out;
	}
	tok = cJSON_IsString(tok) && *tok->valuestring != '\0' ? tok : NULL;
	cert = cJSON_IsString(cert) && *cert->valuestring != '\0' ? cert : NULL;
	key = cJSON_IsString(key) && *key->valuestring != '\0' ? key : NULL;
	if (tok == NULL && cert == NULL && key == NULL) {
		*cause = xstrdup("exec plugin didn't return a token or cert/key "
		    "pair");
		goto out;
	}
	if ((cert == NULL) != (key == NULL)) {
		*cause = xstrdup("exec plugin returned only certificate or key, "
		    "not both");
		goto out;
	}
	if (exp != NULL && !cJSON_IsNull(exp) && (!cJSON_IsString(exp) ||
	    util_parse_rfc3339(exp->valuestring, &expires) != 0)) {
		*cause = xstrdup("decoding stdout: expirationTimestamp is not "
		    "an RFC 3339 time");
		goto out;
	}
	kc_exec_clear(kc);
	kc->exec_valid = 1;
	kc->exec_expires_ms = expires;
	if (tok != NULL)
		kc->exec_token = xstrdup(tok->valuestring);
	if (cert != NULL) {
		kc->exec_cert_len = strlen(cert->valuestring);
		kc->exec_cert = xstrdup(cert->valuestring);
		kc->exec_key_len = strlen(key->valuestring);
		kc->exec_key = xstrdup(key->valuestring);
	}
	rc = 0;
out:
	if (root != NULL) {
		/* Wipe the secrets cJSON copied before its memory goes. */
		status = cJSON_GetObjectItemCaseSensitive(root, "status");
		if (cJSON_IsObject(status)) {
			cJSON_ArrayForEach(v, status) {
				if (cJSON_IsString(v))
					kc_wipe(v->valuestring,
					    strlen(v->valuestring));
			}
		}
		cJSON_Delete(root);
	}
	return rc;
}

/* ------------------------------------------------------------------------ */
/* Exec credential plugins: the loop glue and the waiting requests. */

/* The message for a plugin that could not be executed; caller frees. */
static char *
kc_exec_noexec(struct kubeconfig *kc, const struct child_result *res)
{
	char	*c, *msg;

	c = kc_clean(kc->user->exec->command);
	if (res->errnum == ENOENT || res->errnum == EACCES ||
	    res->errnum == ENOTDIR || res->errnum == ENAMETOOLONG)
		msg = xasprintf("exec: executable %s not found\n\nIt looks "
		    "like you are trying to use a client-go credential plugin "
		    "that is not installed.\n\nTo learn more about this "
		    "feature, consult the documentation available at:\n      "
		    "%s", c, KC_PLUGIN_DOCS);
	else
		msg = xasprintf("exec: executable %s could not be run: %s", c,
		    strerror(res->errnum));
	free(c);
	return kc_exec_failure(kc, NULL, msg);
}

/* The plugin's run is over: judge it, cache the result, answer all. */
static void
kc_run_done(const struct child_result *res, void *arg)
{
	struct kc_run		*run = arg;
	struct kubeconfig	*kc = run->kc;
	char			*cmd, *msg = NULL, *error = NULL, *t;

	kc->run = NULL;
	free(run);		/* the runner frees its child after we return */
	cmd = kc_clean(kc->user->exec->command);
	if (res->end == CHILD_NO_EXEC)
		msg = kc_exec_noexec(kc, res);
	else if (res->end == CHILD_TIMED_OUT) {
		t = util_format_duration(kc->exec_timeout_ms,
		    xcalloc(1, 32), 32);
		msg = xasprintf("exec: executable %s did not finish within %s "
		    "and was stopped", cmd, t);
		free(t);
	} else if (res->end == CHILD_OVER_CAP || res->out_cut)
		msg = xasprintf("exec: executable %s wrote more than %zu bytes "
		    "on its standard output", cmd, KC_EXEC_MAX_STDOUT);
	else if (res->end == CHILD_SIGNALLED)
		msg = xasprintf("exec: executable %s was killed by signal %d",
		    cmd, res->signo);
	else if (res->exit_code != 0)
		msg = xasprintf("exec: executable %s failed with exit code %d",
		    cmd, res->exit_code);
	else if (kc_exec_parse(kc, res->out, res->out_len, &error) != 0) {
		msg = xasprintf("exec plugin %s: %s", cmd, error);
		free(error);
	}
	free(cmd);
	if (msg != NULL && res->end != CHILD_NO_EXEC)
		msg = kc_exec_failure(kc, res, msg);

	if (msg == NULL && kc_cred_build(kc, &msg) == 1)
		msg = xstrdup("exec plugin returned a credential that has "
		    "already expired");
	kc_clean_cause(&msg);
	kc_deliver(kc, msg);
	free(msg);
}

/*
 * Start the plugin on the loop; -1 with *cause if no process could start
 * (a plugin that is not installed is answered by kc_run_done).  Its
 * stdout holds the secret: the runner wipes it, and stops the plugin
 * when it passes its cap.
 */
static int
kc_run_start(struct kubeconfig *kc, char **cause)
{
	struct kc_exec		 *e = kc->user->exec;
	struct kc_run		 *run;
	struct child_spec	  spec;
	const char		**argv;
	char			**env, *error = NULL;
	size_t			  i;

	argv = xcalloc(e->nargs + 2, sizeof *argv);
	argv[0] = e->command;
	for (i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	env = kc_exec_env(kc);
	memset(&spec, 0, sizeof spec);
	spec.argv = argv;
	spec.envp = (const char *const *)env;
	spec.timeout_ms = kc->exec_timeout_ms;
	spec.out_max = KC_EXEC_MAX_STDOUT;
	spec.err_max = KC_EXEC_MAX_STDERR;
	spec.flags = CHILD_WIPE | CHILD_KILL_OVER;
	run = xcalloc(1, sizeof *run);
	run->kc = kc;
	run->child = child_start(kc->loop, &spec, kc_run_done, run, &error);
	free(argv);
	kc_exec_env_free(env);
	if (run->child == NULL) {
		*cause = xasprintf("cannot start the exec plugin: %s", error);
		free(error);
		free(run);
		return -1;
	}
	kc->run = run;
	return 0;
}

/* Call every waiting request with the credential or the error. */
void
kc_deliver(struct kubeconfig *kc, const char *error)
{
	struct kc_waiter	*w;

	while ((w = kc->waiters) != NULL) {
		kc->waiters = w->next;
		if (error != NULL)
			w->cb(NULL, error, w->arg);
		else
			w->cb(&kc->cred, NULL, w->arg);
		free(w);
	}
}

/* From the loop: hand out the credential, or start the plugin. */
static int64_t
kc_kick_cb(void *arg)
{
	struct kubeconfig	*kc = arg;
	char			*cause = NULL;
	int			 rc;

	kc->kick = NULL;
	if (kc->run != NULL)
		return -1;
	rc = kc_cred_build(kc, &cause);
	if (rc == 1 && kc_run_start(kc, &cause) == 0)
		return -1;
	kc_clean_cause(&cause);
	kc_deliver(kc, rc == 0 ? NULL : cause);
	free(cause);
	return -1;
}

/* Ask for the credential; the callback runs from the loop. */
int
kubeconfig_credential_get(struct kubeconfig *kc, struct loop *loop,
    kubeconfig_credential_cb cb, void *arg)
{
	struct kc_waiter	*w, **tail;

	kc->loop = loop;
	w = xcalloc(1, sizeof *w);
	w->id = kc->next_id++;
	if (kc->next_id <= 0)
		kc->next_id = 1;
	w->cb = cb;
	w->arg = arg;
	for (tail = &kc->waiters; *tail != NULL; tail = &(*tail)->next)
		;
	*tail = w;
	if (kc->run == NULL && kc->kick == NULL)
		kc->kick = loop_timer_add(loop, 0, kc_kick_cb, kc);
	return w->id;
}

/* Forget a waiting request. */
int
kubeconfig_credential_cancel(struct kubeconfig *kc, int id)
{
	struct kc_waiter	*w, **prev;

	for (prev = &kc->waiters; (w = *prev) != NULL; prev = &w->next) {
		if (w->id == id) {
			*prev = w->next;
			free(w);
			return 0;
		}
	}
	return -1;
}

/* Kill a running plugin and drop a pending kick, for kubeconfig_free. */
void
kc_exec_stop(struct kubeconfig *kc)
{
	struct kc_run	*run;

	if ((run = kc->run) != NULL) {
		kc->run = NULL;
		child_cancel(run->child);
		free(run);
	}
	if (kc->kick != NULL)
		loop_timer_del(kc->kick);
	kc->kick = NULL;
}
