/*
 * kubeconfig_exec.c: exec credential plugins, run as children of the event
 * loop, their result cached, and the requests that wait for it.
 *
 * A plugin is spawned with stdin on /dev/null and stdout and stderr on
 * pipes (never a terminal), in its own process group; the pipes are read
 * through loop fd watchers, the child is reaped through the loop's SIGCHLD
 * handling, and a timer kills the group when it takes too long, so nothing
 * here ever blocks the loop.  The ExecCredential it prints is checked as
 * client-go checks it and cached until its expirationTimestamp or until
 * the server refuses it (kubeconfig_credential_invalidate).  Requests made
 * while a plugin runs wait in a queue and share its result; every request
 * is answered from the loop, never from inside the call that made it.
 * Standard output holds the secret: it is capped, wiped, and never quoted
 * in a message; standard error is quoted, sanitised and shortened.
 */
#include "config.h"

#include <sys/types.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/buf.h"
#include "base/sanitize.h"
#include "base/util.h"
#include "base/xmalloc.h"
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
	pid_t			 pid;
	int			 out_fd;
	int			 err_fd;
	struct loop_fd		*out_w;
	struct loop_fd		*err_w;
	struct loop_child	*child;
	struct loop_timer	*timer;
	struct buf		 out;
	struct buf		 err;
	int			 out_over;	/* stdout passed its cap */
	int			 err_over;
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
kc_exec_stderr(struct kc_run *run)
{
	char	*u, *t, *s;
	size_t	 len;

	if (run->err.len == 0)
		return NULL;
	len = run->err.len > KC_EXEC_SHOW_STDERR ? KC_EXEC_SHOW_STDERR :
	    run->err.len;
	u = sanitize_utf8(run->err.data, len);
	t = kc_trim(u);
	if (*t == '\0') {
		free(u);
		return NULL;
	}
	s = sanitize_terminal(t, SANITIZE_MULTILINE);
	free(u);
	if (run->err.len > len || run->err_over) {
		t = xasprintf("%s ...", s);
		free(s);
		s = t;
	}
	return s;
}

/* Append the plugin's stderr and install hint to a failure message. */
static char *
kc_exec_failure(struct kubeconfig *kc, struct kc_run *run, char *msg)
{
	struct kc_exec	*e = kc->user->exec;
	char		*err, *hint, *out;

	err = run != NULL ? kc_exec_stderr(run) : NULL;
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

/* Find command as execvp would, in $PATH; caller frees, NULL if absent. */
static char *
kc_exec_lookup(const char *command)
{
	const char	*path;
	char		*copy, *dir, *save, *full;

	if (strchr(command, '/') != NULL)
		return access(command, X_OK) == 0 ? xstrdup(command) : NULL;
	if ((path = getenv("PATH")) == NULL)
		path = "/usr/local/bin:/usr/bin:/bin";
	copy = xstrdup(path);
	for (dir = strtok_r(copy, ":", &save); dir != NULL;
	    dir = strtok_r(NULL, ":", &save)) {
		full = xasprintf("%s/%s", *dir == '\0' ? "." : dir, command);
		if (access(full, X_OK) == 0) {
			free(copy);
			return full;
		}
		free(full);
	}
	free(copy);
	return NULL;
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

/* Mark fd close-on-exec and, if nonblock, non-blocking. */
static void
kc_fd_flags(int fd, int nonblock)
{
	int	flags;

	fcntl(fd, F_SETFD, FD_CLOEXEC);
	if (nonblock && (flags = fcntl(fd, F_GETFL)) != -1)
		fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

/*
 * Start the plugin with stdin on /dev/null and stdout and stderr on pipes
 * (returned non-blocking in *out_fd and *err_fd).  The child leads its own
 * process group so a timeout can stop everything it started.  Returns the
 * pid, or -1 with *cause.
 */
static pid_t
kc_exec_spawn(struct kubeconfig *kc, int *out_fd, int *err_fd, char **cause)
{
	struct kc_exec	 *e = kc->user->exec;
	char		 *path, **argv, **env, *c, *msg;
	int		  outp[2], errp[2], null, fd, maxfd, sig;
	size_t		  i;
	pid_t		  pid;
	sigset_t	  all;
	static const char failed[] = "cannot execute the plugin\n";

	if ((path = kc_exec_lookup(e->command)) == NULL) {
		c = kc_clean(e->command);
		msg = xasprintf("exec: executable %s not found\n\nIt looks "
		    "like you are trying to use a client-go credential plugin "
		    "that is not installed.\n\nTo learn more about this "
		    "feature, consult the documentation available at:\n      "
		    "%s", c, KC_PLUGIN_DOCS);
		free(c);
		*cause = kc_exec_failure(kc, NULL, msg);
		return -1;
	}
	if (pipe(outp) != 0) {
		*cause = xasprintf("cannot start exec plugin: pipe: %s",
		    strerror(errno));
		free(path);
		return -1;
	}
	if (pipe(errp) != 0) {
		*cause = xasprintf("cannot start exec plugin: pipe: %s",
		    strerror(errno));
		close(outp[0]);
		close(outp[1]);
		free(path);
		return -1;
	}
	kc_fd_flags(outp[0], 1);
	kc_fd_flags(errp[0], 1);
	kc_fd_flags(outp[1], 0);
	kc_fd_flags(errp[1], 0);

	/* Everything the child needs is built before fork. */
	argv = xcalloc(e->nargs + 2, sizeof *argv);
	argv[0] = e->command;
	for (i = 0; i < e->nargs; i++)
		argv[i + 1] = e->args[i];
	env = kc_exec_env(kc);
	maxfd = (int)sysconf(_SC_OPEN_MAX);
	if (maxfd < 0 || maxfd > 65536)
		maxfd = 65536;

	if ((pid = fork()) == -1) {
		*cause = xasprintf("cannot start exec plugin: fork: %s",
		    strerror(errno));
		close(outp[0]);
		close(outp[1]);
		close(errp[0]);
		close(errp[1]);
		free(path);
		free(argv);
		kc_exec_env_free(env);
		return -1;
	}
	if (pid == 0) {
		setpgid(0, 0);
		for (sig = 1; sig < NSIG; sig++)
			signal(sig, SIG_DFL);
		sigemptyset(&all);
		sigprocmask(SIG_SETMASK, &all, NULL);
		if ((null = open("/dev/null", O_RDWR)) == -1 ||
		    dup2(null, 0) == -1 || dup2(outp[1], 1) == -1 ||
		    dup2(errp[1], 2) == -1)
			_exit(127);
		for (fd = 3; fd < maxfd; fd++)
			close(fd);
		execve(path, argv, env);
		(void)!write(2, failed, sizeof failed - 1);
		_exit(127);
	}
	setpgid(pid, pid);
	close(outp[1]);
	close(errp[1]);
	free(path);
	free(argv);
	kc_exec_env_free(env);
	*out_fd = outp[0];
	*err_fd = errp[0];
	return pid;
}

/*
 * Parse what the plugin printed into the exec cache.  Returns 0 or -1 with
 * *cause; the messages never quote the output, which holds the secret.
 */
static int
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
		s = kc_clean(version);
		*cause = xasprintf("exec plugin is configured to use API "
		    "version %s, plugin returned version %.64s",
		    e->api_version, s);
		free(s);
		goto out;
	}
	if (strcmp(v->valuestring, "ExecCredential") != 0) {
		s = kc_clean(v->valuestring);
		*cause = xasprintf("decoding stdout: kind \"%.64s\" is not "
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

/* Read what is available on one of the plugin's pipes; 1 at end of file. */
static int
kc_run_drain(struct kc_run *run, int fd)
{
	char		 chunk[4096];
	ssize_t		 n;
	struct buf	*b = fd == run->out_fd ? &run->out : &run->err;
	int		*over = fd == run->out_fd ? &run->out_over :
			    &run->err_over;

	for (;;) {
		n = read(fd, chunk, sizeof chunk);
		if (n == 0)
			return 1;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : 1;
		}
		if (!*over && buf_append(b, chunk, (size_t)n) != 0)
			*over = 1;
		kc_wipe(chunk, (size_t)n);
	}
}

/* Stop watching and close one of the plugin's pipes. */
static void
kc_run_close(struct kc_run *run, int which_out)
{
	struct loop_fd	**w = which_out ? &run->out_w : &run->err_w;
	int		 *fd = which_out ? &run->out_fd : &run->err_fd;

	if (*w != NULL) {
		loop_fd_del(*w);
		*w = NULL;
	}
	if (*fd != -1) {
		close(*fd);
		*fd = -1;
	}
}

/* Release a finished run's resources, wiping what it printed. */
static void
kc_run_free(struct kc_run *run)
{
	kc_run_close(run, 1);
	kc_run_close(run, 0);
	if (run->timer != NULL)
		loop_timer_del(run->timer);
	if (run->child != NULL)
		loop_child_del(run->child);
	if (run->out.data != NULL)
		kc_wipe(run->out.data, run->out.len);
	buf_done(&run->out);
	buf_done(&run->err);
	free(run);
}

/* The run is over: status is the wait status, or -1 for a timeout. */
static void
kc_run_finish(struct kc_run *run, int status)
{
	struct kubeconfig	*kc = run->kc;
	char			*cmd, *msg = NULL, *error = NULL, *t;

	if (run->out_fd != -1)
		kc_run_drain(run, run->out_fd);
	if (run->err_fd != -1)
		kc_run_drain(run, run->err_fd);
	cmd = kc_clean(kc->user->exec->command);
	if (status == -1) {
		t = util_format_duration(kc->exec_timeout_ms,
		    xcalloc(1, 32), 32);
		msg = xasprintf("exec: executable %s did not finish within %s "
		    "and was stopped", cmd, t);
		free(t);
	} else if (run->out_over)
		msg = xasprintf("exec: executable %s wrote more than %zu bytes "
		    "on its standard output", cmd, KC_EXEC_MAX_STDOUT);
	else if (WIFSIGNALED(status))
		msg = xasprintf("exec: executable %s was killed by signal %d",
		    cmd, WTERMSIG(status));
	else if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		msg = xasprintf("exec: executable %s failed with exit code %d",
		    cmd, WEXITSTATUS(status));
	else if (kc_exec_parse(kc, run->out.data == NULL ? "" : run->out.data,
	    run->out.len, &error) != 0) {
		msg = xasprintf("exec plugin %s: %s", cmd, error);
		free(error);
	}
	free(cmd);
	if (msg != NULL)
		msg = kc_exec_failure(kc, run, msg);
	kc->run = NULL;
	kc_run_free(run);

	if (msg == NULL && kc_cred_build(kc, &msg) == 1)
		msg = xstrdup("exec plugin returned a credential that has "
		    "already expired");
	kc_clean_cause(&msg);
	kc_deliver(kc, msg);
	free(msg);
}

/* A pipe of the plugin is readable. */
static void
kc_run_fd_cb(int fd, int revents, void *arg)
{
	struct kc_run	*run = arg;

	if (kc_run_drain(run, fd))
		kc_run_close(run, fd == run->out_fd);
	if (run->out_over && run->pid > 0) {
		kill(-run->pid, SIGKILL);
		kill(run->pid, SIGKILL);
	}
}

/* The plugin exited. */
static void
kc_run_child_cb(pid_t pid, int status, void *arg)
{
	struct kc_run	*run = arg;

	run->child = NULL;
	kc_run_finish(run, status);
}

/* The plugin took too long: stop it and everything it started. */
static int64_t
kc_run_timer_cb(void *arg)
{
	struct kc_run	*run = arg;

	run->timer = NULL;
	kill(-run->pid, SIGKILL);
	kill(run->pid, SIGKILL);
	kc_run_finish(run, -1);
	return -1;
}

/* Start the plugin on the loop; -1 with *cause if it could not start. */
static int
kc_run_start(struct kubeconfig *kc, char **cause)
{
	struct kc_run	*run;
	int		 out_fd, err_fd;
	pid_t		 pid;

	if ((pid = kc_exec_spawn(kc, &out_fd, &err_fd, cause)) == -1)
		return -1;
	run = xcalloc(1, sizeof *run);
	run->kc = kc;
	run->pid = pid;
	run->out_fd = out_fd;
	run->err_fd = err_fd;
	buf_init(&run->out, KC_EXEC_MAX_STDOUT);
	buf_init(&run->err, KC_EXEC_MAX_STDERR);
	run->out_w = loop_fd_add(kc->loop, out_fd, LOOP_READ, kc_run_fd_cb,
	    run);
	run->err_w = loop_fd_add(kc->loop, err_fd, LOOP_READ, kc_run_fd_cb,
	    run);
	run->child = loop_child_add(kc->loop, pid, kc_run_child_cb, run);
	run->timer = loop_timer_add(kc->loop, kc->exec_timeout_ms,
	    kc_run_timer_cb, run);
	if (run->out_w == NULL || run->err_w == NULL || run->child == NULL ||
	    run->timer == NULL) {
		kill(-pid, SIGKILL);
		kill(pid, SIGKILL);
		if (run->child == NULL)
			waitpid(pid, NULL, 0);
		*cause = xasprintf("cannot watch the exec plugin: %s",
		    strerror(errno));
		kc_run_free(run);
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
		kill(-run->pid, SIGKILL);
		kill(run->pid, SIGKILL);
		kc_run_free(run);
	}
	if (kc->kick != NULL)
		loop_timer_del(kc->kick);
	kc->kick = NULL;
}
