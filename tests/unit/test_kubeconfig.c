/*
 * test_kubeconfig.c: unit tests for the kubeconfig loader: every field,
 * merging across $KUBECONFIG, relative paths per defining file, in-cluster
 * configuration, each configuration kubectl refuses, base64 errors, and
 * exec credential plugins (v1, v1beta1, failure, timeout, caching).  The
 * fixtures are under tests/data/kubeconfig; no message may hold a secret.
 */
#include "config.h"

#include <sys/stat.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define HARNESS_MAIN
#include "tests/unit/harness.h"

#include "backends/kubeconfig.h"
#include "backends/kubeconfig_int.h"
#include "base/sanitize.h"
#include "core/loop.h"
#include "base/buf.h"
#include "base/util.h"
#include "base/xmalloc.h"

/* Secrets that appear in the fixtures and must never be in a message. */
static const char *const secrets[] = {
	"s3cr3t-T0KEN", "pa55-W0RD", "leaked-T0KEN", "plain-T0KEN",
	"wrong-T0KEN", "loser-T0KEN", "inline-T0KEN", "a2V5LXMzY3IzdA",
	"key-s3cr3t", NULL
};

static char	*datadir;
static char	*tmpdir;

/* A fixture's absolute path; caller frees. */
static char *
fixture(const char *name)
{
	return xasprintf("%s/%s", datadir, name);
}

/* Clear every variable the loader reads. */
static void
env_reset(void)
{
	unsetenv("KUBECONFIG");
	unsetenv("KUBERNETES_SERVICE_HOST");
	unsetenv("KUBERNETES_SERVICE_PORT");
	unsetenv("POD_NAMESPACE");
	setenv("HOME", tmpdir, 1);
}

/* Load name (a fixture) with context; NULL and *cause on failure. */
static struct kubeconfig *
load(const char *name, const char *context, char **cause)
{
	struct kubeconfig_options	 o;
	struct kubeconfig		*kc = NULL;
	char				*path = NULL;

	memset(&o, 0, sizeof o);
	if (name != NULL)
		o.path = path = fixture(name);
	o.context = context;
	o.exec_timeout_ms = 500;
	*cause = NULL;
	env_reset();
	if (kubeconfig_load(&o, &kc, cause) != 0)
		kc = NULL;
	free(path);
	return kc;
}

/* Check that a message holds no secret from the fixtures. */
static int
no_secret(const char *msg)
{
	size_t	i;

	for (i = 0; secrets[i] != NULL; i++) {
		if (msg != NULL && strstr(msg, secrets[i]) != NULL) {
			printf("# secret %s in: %s\n", secrets[i], msg);
			return 0;
		}
	}
	return 1;
}

/* Load a context that must fail; its message must contain want. */
static void
expect_error(const char *name, const char *context, const char *want)
{
	struct kubeconfig	*kc;
	char			*cause;

	kc = load(name, context, &cause);
	CHECK(kc == NULL);
	CHECK_CONTAINS(cause, want);
	CHECK(no_secret(cause));
	kubeconfig_free(kc);
	free(cause);
}

/* Write s to path. */
static void
write_file(const char *path, const char *s)
{
	FILE	*f;

	if ((f = fopen(path, "w")) != NULL) {
		fputs(s, f);
		fclose(f);
	}
}

/* Static credential now; NULL (and a failed check) if not ready. */
static const struct kubeconfig_credential *
cred_now(struct kubeconfig *kc)
{
	const struct kubeconfig_credential	*c = NULL;
	char					*cause = NULL;
	int					 rc;

	rc = kubeconfig_credential_now(kc, &c, &cause);
	CHECK_INT(rc, 0);
	if (rc != 0)
		printf("# %s\n", cause != NULL ? cause : "(needs exec)");
	free(cause);
	return rc == 0 ? c : NULL;
}

/* ------------------------------------------------------------------------ */

/* A token user on an embedded CA, a path prefix and a namespace. */
static void
test_token_and_ca_data(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_info		*i;
	const struct kubeconfig_credential	*c;
	char					*cause;

	kc = load("basic.yaml", NULL, &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	i = kubeconfig_info(kc);
	CHECK_STR(i->context, "prod");
	CHECK_STR(i->cluster, "c1");
	CHECK_STR(i->user, "tok");
	CHECK_STR(i->server, "https://127.0.0.1:6443/k8s/clusters/c-123");
	CHECK_STR(i->namespace, "prod");
	CHECK_INT(i->auth, KUBECONFIG_AUTH_TOKEN);
	CHECK_INT(i->ca_embedded, 1);
	CHECK(i->ca_file == NULL);
	CHECK_STR(i->description, "context prod, cluster c1 at "
	    "https://127.0.0.1:6443/k8s/clusters/c-123, user tok (token), "
	    "namespace prod");
	CHECK(no_secret(i->description));
	if ((c = cred_now(kc)) != NULL) {
		CHECK_STR(c->bearer_token, "s3cr3t-T0KEN");
		CHECK_STR(c->ca_data, "-----BEGIN CERTIFICATE-----\n"
		    "ZW1iZWRkZWQ=\n-----END CERTIFICATE-----\n");
		CHECK_INT(c->ca_data_len, strlen(c->ca_data));
		CHECK(c->username == NULL && c->cert_data == NULL);
		CHECK_INT(c->expires_ms, 0);
	}
	kubeconfig_free(kc);
}

/* CA file, tls-server-name, proxy-url and a token file, all relative. */
static void
test_files_relative(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_info		*i;
	const struct kubeconfig_credential	*c;
	char					*cause, *ca;

	kc = load("basic.yaml", "files", &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		free(cause);
		return;
	}
	i = kubeconfig_info(kc);
	ca = fixture("certs/ca.pem");
	CHECK_STR(i->ca_file, ca);
	CHECK_INT(i->ca_embedded, 0);
	CHECK_STR(i->tls_server_name, "api.internal");
	CHECK_STR(i->proxy_url, "http://127.0.0.1:3128");
	CHECK_STR(i->namespace, "team-a");
	CHECK_INT(i->auth, KUBECONFIG_AUTH_TOKEN_FILE);
	if ((c = cred_now(kc)) != NULL) {
		CHECK_STR(c->bearer_token, "file-T0KEN-1");
		CHECK_STR(c->ca_file, ca);
		CHECK_CONTAINS(c->ca_data, "Y2EgZm9yIGMy");
		CHECK_STR(c->tls_server_name, "api.internal");
		CHECK_STR(c->proxy_url, "http://127.0.0.1:3128");
	}
	free(ca);
	kubeconfig_free(kc);

	/* Both token and tokenFile: a readable file wins, as in kubectl. */
	kc = load("basic.yaml", "both-tokens", &cause);
	CHECK(kc != NULL);
	if (kc != NULL && (c = cred_now(kc)) != NULL)
		CHECK_STR(c->bearer_token, "file-T0KEN-1");
	kubeconfig_free(kc);
	free(cause);
}

/* A token file is read again on every request. */
static void
test_token_file_rotation(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_credential	*c;
	char					*cfg, *tokpath, *cause = NULL;
	struct kubeconfig_options		 o;

	cfg = xasprintf("%s/rot.yaml", tmpdir);
	tokpath = xasprintf("%s/rot-token", tmpdir);
	write_file(tokpath, "first-T0KEN\n");
	write_file(cfg, "current-context: x\n"
	    "clusters: [{name: c, cluster: {server: 127.0.0.1:6443}}]\n"
	    "users: [{name: u, user: {tokenFile: rot-token}}]\n"
	    "contexts: [{name: x, context: {cluster: c, user: u}}]\n");
	memset(&o, 0, sizeof o);
	o.path = cfg;
	env_reset();
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (cause != NULL) {
		printf("# %s\n", cause);
		free(cause);
		cause = NULL;
	} else {
		/* No TLS configured: a bare host gets http://, as kubectl. */
		CHECK_STR(kubeconfig_info(kc)->server, "http://127.0.0.1:6443");
		if ((c = cred_now(kc)) != NULL)
			CHECK_STR(c->bearer_token, "first-T0KEN");
		write_file(tokpath, "  second-T0KEN \n");
		if ((c = cred_now(kc)) != NULL)
			CHECK_STR(c->bearer_token, "second-T0KEN");
		unlink(tokpath);
		CHECK_INT(kubeconfig_credential_now(kc, &c, &cause), -1);
		CHECK_CONTAINS(cause, "cannot read tokenFile for user u");
		CHECK(no_secret(cause));
		free(cause);
		kubeconfig_free(kc);
	}
	unlink(cfg);
	free(cfg);
	free(tokpath);
}

/* Basic auth on an insecure cluster given as a bare host:port. */
static void
test_basic_insecure(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_credential	*c;
	char					*cause;

	kc = load("basic.yaml", "insecure", &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		free(cause);
		return;
	}
	CHECK_STR(kubeconfig_info(kc)->server, "https://127.0.0.1:8443");
	CHECK_INT(kubeconfig_info(kc)->auth, KUBECONFIG_AUTH_BASIC);
	CHECK_INT(kubeconfig_info(kc)->insecure_skip_verify, 1);
	CHECK_CONTAINS(kubeconfig_info(kc)->description, "TLS NOT verified");
	CHECK(no_secret(kubeconfig_info(kc)->description));
	if ((c = cred_now(kc)) != NULL) {
		CHECK_STR(c->username, "alice");
		CHECK_STR(c->password, "pa55-W0RD");
		CHECK(c->bearer_token == NULL);
		CHECK_INT(c->insecure_skip_verify, 1);
	}
	kubeconfig_free(kc);
}

/* Client certificates from files and from base64 data. */
static void
test_client_cert(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_credential	*c;
	char					*cause;

	kc = load("basic.yaml", "cert", &cause);
	CHECK(kc != NULL);
	if (kc != NULL) {
		CHECK_INT(kubeconfig_info(kc)->auth,
		    KUBECONFIG_AUTH_CLIENT_CERT);
		if ((c = cred_now(kc)) != NULL) {
			CHECK_CONTAINS(c->cert_data, "Y2xpZW50\n");
			CHECK_CONTAINS(c->key_data, "Y2xpZW50IGtleQ==");
			CHECK_INT(c->key_data_len, strlen(c->key_data));
		}
		kubeconfig_free(kc);
	} else
		free(cause);

	kc = load("basic.yaml", "certdata", &cause);
	CHECK(kc != NULL);
	if (kc != NULL) {
		/* Trailing slash dropped; wrapped base64 accepted. */
		CHECK_STR(kubeconfig_info(kc)->server, "https://127.0.0.1:9443");
		if ((c = cred_now(kc)) != NULL) {
			CHECK_STR(c->cert_data, "-----BEGIN CERTIFICATE-----\n"
			    "ZGF0YQ==\n-----END CERTIFICATE-----\n");
			CHECK_CONTAINS(c->key_data, "ZGF0YSBrZXk=");
			CHECK_CONTAINS(c->ca_data, "ZW1iZWRkZWQ=");
		}
		kubeconfig_free(kc);
	} else
		free(cause);
}

/* No user, or a user that is not defined: anonymous, as kubectl. */
static void
test_anonymous(void)
{
	struct kubeconfig			*kc;
	const struct kubeconfig_credential	*c;
	char					*cause;

	kc = load("basic.yaml", "plain", &cause);
	CHECK(kc != NULL);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->server, "http://127.0.0.1:8080");
		CHECK_STR(kubeconfig_info(kc)->namespace, "default");
		CHECK_INT(kubeconfig_info(kc)->auth, KUBECONFIG_AUTH_NONE);
		CHECK(kubeconfig_info(kc)->user == NULL);
		if ((c = cred_now(kc)) != NULL)
			CHECK(c->bearer_token == NULL && c->username == NULL);
		kubeconfig_free(kc);
	} else
		free(cause);

	kc = load("basic.yaml", "ghost-user", &cause);
	CHECK(kc != NULL);
	if (kc != NULL) {
		CHECK_CONTAINS(kubeconfig_info(kc)->description,
		    "user nobody (not defined: no credentials)");
		kubeconfig_free(kc);
	} else
		free(cause);
}

/* Unknown or missing contexts, with a suggestion. */
static void
test_context_errors(void)
{
	expect_error("basic.yaml", "prdo", "context \"prdo\" does not exist");
	expect_error("basic.yaml", "prdo", "did you mean \"prod\"?");
	expect_error("no-current.yaml", NULL, "no context chosen");
	expect_error("empty.yaml", "x", "which defines no contexts");
	expect_error("conflicts.yaml", "missing-cluster",
	    "cluster \"nowhere\" was not found for context "
	    "\"missing-cluster\"");
}

/* Every conflict kubectl refuses, with its message and the location. */
static void
test_conflicts(void)
{
	char	*at;

	at = fixture("conflicts.yaml:");
	expect_error("conflicts.yaml", "ca-both", "certificate-authority-data "
	    "and certificate-authority are both specified for ca-both. "
	    "certificate-authority-data will override.");
	expect_error("conflicts.yaml", "ca-both", at);
	expect_error("conflicts.yaml", "insecure-ca", "specifying a root "
	    "certificates file with the insecure flag is not allowed");
	expect_error("conflicts.yaml", "ca-missing", "unable to read "
	    "certificate-authority for ca-missing");
	expect_error("conflicts.yaml", "no-server",
	    "no server found for cluster \"no-server\"");
	expect_error("conflicts.yaml", "empty-cluster",
	    "cluster has no server defined");
	expect_error("conflicts.yaml", "bad-proxy", "invalid 'proxy-url' for "
	    "cluster \"bad-proxy\": unsupported scheme \"ftp\", must be "
	    "http, https, or socks5");
	expect_error("conflicts.yaml", "token-basic", "more than one "
	    "authentication method found for token-basic; found [token "
	    "basicAuth], only one is allowed");
	expect_error("conflicts.yaml", "token-basic", at);
	expect_error("conflicts.yaml", "cert-both", "client-cert-data and "
	    "client-cert are both specified for cert-both. client-cert-data "
	    "will override.");
	expect_error("conflicts.yaml", "key-both", "client-key-data and "
	    "client-key are both specified for key-both; client-key-data "
	    "will override");
	expect_error("conflicts.yaml", "no-key", "client-key-data or "
	    "client-key must be specified for no-key to use the clientCert "
	    "authentication method.");
	expect_error("conflicts.yaml", "auth-provider",
	    "uses auth-provider \"oidc\", which sitrep does not support");
	expect_error("conflicts.yaml", "exec-always", "exec plugin cannot "
	    "support interactive mode: standard input is not a terminal");
	expect_error("conflicts.yaml", "exec-no-mode", "interactiveMode must "
	    "be specified for exec-no-mode to use exec authentication plugin");
	expect_error("conflicts.yaml", "exec-no-command", "command must be "
	    "specified for exec-no-command to use exec authentication plugin");
	free(at);
}

/* Files kubectl cannot load, with line and column. */
static void
test_parse_errors(void)
{
	char	*at;

	at = fixture("bad-base64.yaml:7:33: certificate-authority-data: "
	    "illegal base64 data at input byte 3");
	expect_error("bad-base64.yaml", NULL, at);
	free(at);
	expect_error("bad-base64-key.yaml", NULL,
	    "client-key-data: illegal base64 data at input byte 4");
	expect_error("dup-name.yaml", NULL, "duplicate name \"c1\" in clusters");
	at = fixture("number-token.yaml:6:12: token must be a string, not a "
	    "number");
	expect_error("number-token.yaml", NULL, at);
	free(at);
	/* A name, then a second one that is refused: nothing leaks. */
	at = fixture("number-name.yaml:5:9: name must be a string, not a "
	    "number");
	expect_error("number-name.yaml", NULL, at);
	free(at);
	expect_error("bool-namespace.yaml", NULL,
	    "namespace must be a string, not a boolean");
	expect_error("bad-yaml.yaml", NULL, "not valid YAML");
	expect_error("wrong-kind.yaml", NULL, "kind \"Pod\" is not a "
	    "kubeconfig");
	expect_error("does-not-exist.yaml", NULL, "does not exist");
}

/* Base64 edge cases through a generated file. */
static void
test_base64(void)
{
	static const struct {
		const char	*in;
		const char	*out;	/* NULL: an error */
	} cases[] = {
		{ "YQ==", "a" }, { "YWI=", "ab" }, { "YWJj", "abc" },
		{ "YW\nJj\r\n", "abc" }, { "YQ", NULL }, { "YQ=", NULL },
		{ "Y===", NULL }, { "YQ==YQ==", NULL }, { "YW Jj", NULL },
		{ "YWJj-", NULL }, { "YQ=a", NULL }
	};
	struct kubeconfig			*kc;
	struct kubeconfig_options		 o;
	const struct kubeconfig_credential	*c;
	char					*cfg, *yaml, *cause, *q;
	size_t					 i;

	cfg = xasprintf("%s/b64.yaml", tmpdir);
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		q = xstrdup(cases[i].in);
		yaml = xasprintf("current-context: x\n"
		    "clusters: [{name: c, cluster: {server: "
		    "'https://127.0.0.1:1', certificate-authority-data: "
		    "\"%s\"}}]\n"
		    "contexts: [{name: x, context: {cluster: c}}]\n",
		    strcmp(q, "YW\nJj\r\n") == 0 ? "YW\\nJj\\r\\n" : q);
		write_file(cfg, yaml);
		memset(&o, 0, sizeof o);
		o.path = cfg;
		cause = NULL;
		kc = NULL;
		env_reset();
		if (cases[i].out == NULL) {
			CHECK_INT(kubeconfig_load(&o, &kc, &cause), -1);
			CHECK_CONTAINS(cause, "illegal base64 data");
		} else {
			CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
			if (kc != NULL && (c = cred_now(kc)) != NULL)
				CHECK_STR(c->ca_data, cases[i].out);
		}
		if (cause != NULL && cases[i].out != NULL)
			printf("# case %zu: %s\n", i, cause);
		free(cause);
		kubeconfig_free(kc);
		free(yaml);
		free(q);
	}
	unlink(cfg);
	free(cfg);
}

/* $KUBECONFIG: first file defining a name wins, first current-context. */
static void
test_merge(void)
{
	struct kubeconfig_options		 o;
	struct kubeconfig			*kc = NULL;
	const struct kubeconfig_info		*i;
	const struct kubeconfig_credential	*c;
	char					*list, *cause = NULL, *p;

	memset(&o, 0, sizeof o);
	env_reset();
	list = xasprintf("%s/merge/a/config:%s/merge/missing::%s/merge/b/"
	    "config:%s/merge/c/config:%s/merge/a/config", datadir, datadir,
	    datadir, datadir, datadir);
	setenv("KUBECONFIG", list, 1);
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		i = kubeconfig_info(kc);
		CHECK_STR(i->context, "from-b");
		CHECK_STR(i->server, "https://127.0.0.1:1003");
		CHECK_STR(i->namespace, "ns-b");
		p = fixture("merge/b/ca.pem");
		CHECK_STR(i->ca_file, p);
		free(p);
		CHECK_CONTAINS(i->sources, "missing (missing)");
		if ((c = cred_now(kc)) != NULL)
			CHECK_STR(c->bearer_token, "token-from-b");
		kubeconfig_free(kc);
	}
	free(cause);

	/* "shared" comes from a, cluster and user; b's copies are lost. */
	o.context = "shared";
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		i = kubeconfig_info(kc);
		CHECK_STR(i->server, "https://127.0.0.1:1001");
		CHECK_STR(i->namespace, "from-a");
		if ((c = cred_now(kc)) != NULL) {
			CHECK_STR(c->bearer_token, "token-from-a");
			CHECK_CONTAINS(c->ca_data, "Y2EgYQ==");
		}
		kubeconfig_free(kc);
	}
	/* a's cluster with b's user: each path resolved in its own file. */
	o.context = "mixed";
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		if ((c = cred_now(kc)) != NULL) {
			CHECK_STR(c->bearer_token, "token-from-b");
			CHECK_CONTAINS(c->ca_data, "Y2EgYQ==");
		}
		kubeconfig_free(kc);
	}
	/* c's "from-b" lost to b's; c's own user resolved in c. */
	o.context = "with-uc";
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->namespace, "ns-c");
		if ((c = cred_now(kc)) != NULL) {
			CHECK_CONTAINS(c->cert_data, "Yw==");
			CHECK_CONTAINS(c->ca_data, "Y2EgYg==");
		}
		kubeconfig_free(kc);
	}
	free(list);

	/* With c first, its current-context wins. */
	list = xasprintf("%s/merge/c/config:%s/merge/b/config", datadir,
	    datadir);
	setenv("KUBECONFIG", list, 1);
	o.context = NULL;
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->context, "from-c");
		kubeconfig_free(kc);
	}
	free(list);

	/* An explicit path is used alone, whatever KUBECONFIG says. */
	o.path = p = fixture("basic.yaml");
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->context, "prod");
		kubeconfig_free(kc);
	}
	free(p);
	unsetenv("KUBECONFIG");
}

/* ~/.kube/config when KUBECONFIG is unset; a clear error with nothing. */
static void
test_home_and_nothing(void)
{
	struct kubeconfig_options	 o;
	struct kubeconfig		*kc = NULL;
	char				*dir, *cfg, *cause = NULL, *src;
	char				*sa;

	memset(&o, 0, sizeof o);
	env_reset();
	sa = xasprintf("%s/no-sa", tmpdir);
	o.sa_dir = sa;
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), -1);
	CHECK_CONTAINS(cause, "no Kubernetes configuration found");
	CHECK_CONTAINS(cause, "/.kube/config (missing)");
	CHECK_CONTAINS(cause, "KUBERNETES_SERVICE_HOST");
	free(cause);
	cause = NULL;

	setenv("KUBECONFIG", "/nonexistent/a:/nonexistent/b", 1);
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), -1);
	CHECK_CONTAINS(cause, "/nonexistent/b (missing)");
	free(cause);
	cause = NULL;
	unsetenv("KUBECONFIG");

	dir = xasprintf("%s/.kube", tmpdir);
	mkdir(dir, 0700);
	cfg = xasprintf("%s/config", dir);
	src = fixture("basic.yaml");
	write_file(cfg, "current-context: h\n"
	    "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:5'}}]\n"
	    "contexts: [{name: h, context: {cluster: c, namespace: home}}]\n");
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->namespace, "home");
		kubeconfig_free(kc);
	} else
		free(cause);
	unlink(cfg);
	rmdir(dir);
	free(src);
	free(cfg);
	free(dir);
	free(sa);
}

/* The pod's service account when nothing else is configured. */
static void
test_in_cluster(void)
{
	struct kubeconfig_options		 o;
	struct kubeconfig			*kc = NULL;
	const struct kubeconfig_credential	*c;
	char					*sa, *p, *cause = NULL;

	sa = xasprintf("%s/sa", tmpdir);
	mkdir(sa, 0700);
	p = xasprintf("%s/token", sa);
	write_file(p, "sa-T0KEN\n");
	free(p);
	p = xasprintf("%s/ca.crt", sa);
	write_file(p, "-----BEGIN CERTIFICATE-----\nc2E=\n-----END "
	    "CERTIFICATE-----\n");
	free(p);
	p = xasprintf("%s/namespace", sa);
	write_file(p, "monitoring\n");
	free(p);

	memset(&o, 0, sizeof o);
	o.sa_dir = sa;
	env_reset();
	setenv("KUBERNETES_SERVICE_HOST", "127.0.0.1", 1);
	setenv("KUBERNETES_SERVICE_PORT", "6443", 1);
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_INT(kubeconfig_info(kc)->in_cluster, 1);
		CHECK_STR(kubeconfig_info(kc)->server, "https://127.0.0.1:6443");
		CHECK_STR(kubeconfig_info(kc)->namespace, "monitoring");
		CHECK_INT(kubeconfig_info(kc)->auth,
		    KUBECONFIG_AUTH_TOKEN_FILE);
		CHECK_CONTAINS(kubeconfig_info(kc)->description,
		    "in-cluster service account at https://127.0.0.1:6443");
		if ((c = cred_now(kc)) != NULL) {
			CHECK_STR(c->bearer_token, "sa-T0KEN");
			CHECK_CONTAINS(c->ca_data, "c2E=");
		}
		/* The projected token rotates: read again per request. */
		p = xasprintf("%s/token", sa);
		write_file(p, "sa-T0KEN-2");
		if ((c = cred_now(kc)) != NULL)
			CHECK_STR(c->bearer_token, "sa-T0KEN-2");
		kubeconfig_free(kc);
		unlink(p);
		free(p);
	} else {
		printf("# %s\n", cause);
		free(cause);
	}

	/* POD_NAMESPACE wins; IPv6 hosts are bracketed. */
	p = xasprintf("%s/token", sa);
	write_file(p, "sa-T0KEN\n");
	setenv("POD_NAMESPACE", "from-env", 1);
	setenv("KUBERNETES_SERVICE_HOST", "::1", 1);
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), 0);
	if (kc != NULL) {
		CHECK_STR(kubeconfig_info(kc)->server, "https://[::1]:6443");
		CHECK_STR(kubeconfig_info(kc)->namespace, "from-env");
		kubeconfig_free(kc);
	}
	unlink(p);
	free(p);

	/* Without the token it is not a pod: say what was missing. */
	CHECK_INT(kubeconfig_load(&o, &kc, &cause), -1);
	CHECK_CONTAINS(cause, "no in-cluster service account");
	free(cause);
	p = xasprintf("%s/ca.crt", sa);
	unlink(p);
	free(p);
	p = xasprintf("%s/namespace", sa);
	unlink(p);
	free(p);
	rmdir(sa);
	free(sa);
	env_reset();
}

/* ------------------------------------------------------------------------ */
/* Exec plugins, driven through a real loop. */

struct got {
	int	 calls;
	char	*token;
	char	*cert;
	char	*error;
	int64_t	 expires;
};

/* Record what a credential request returned. */
static void
got_cb(const struct kubeconfig_credential *c, const char *error, void *arg)
{
	struct got	*g = arg;

	g->calls++;
	if (c != NULL) {
		g->token = c->bearer_token != NULL ?
		    xstrdup(c->bearer_token) : NULL;
		g->cert = c->cert_data != NULL ? xstrdup(c->cert_data) : NULL;
		g->expires = c->expires_ms;
	}
	if (error != NULL)
		g->error = xstrdup(error);
}

/* Forget what was recorded. */
static void
got_reset(struct got *g)
{
	free(g->token);
	free(g->cert);
	free(g->error);
	memset(g, 0, sizeof *g);
}

/* Run the loop until g has been called (or 5 s pass). */
static void
run_until(struct loop *loop, struct got *g, int want)
{
	int64_t	deadline = util_mono_ms() + 5000;

	while (g->calls < want && util_mono_ms() < deadline)
		loop_run_once(loop, 100);
}

/* Ask once for context's credential through the loop. */
static void
exec_once(struct loop *loop, const char *context, struct got *g)
{
	struct kubeconfig	*kc;
	char			*cause;

	memset(g, 0, sizeof *g);
	kc = load("exec.yaml", context, &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		printf("# %s\n", cause);
		free(cause);
		return;
	}
	CHECK_INT(kubeconfig_info(kc)->auth, KUBECONFIG_AUTH_EXEC);
	kubeconfig_credential_get(kc, loop, got_cb, g);
	CHECK_INT(g->calls, 0);		/* never from inside the call */
	run_until(loop, g, 1);
	CHECK_INT(g->calls, 1);
	kubeconfig_free(kc);
}

/*
 * What a plugin prints is quoted only in clean excerpts: an apiVersion or
 * kind of many multi-byte characters or escapes makes a cause that is
 * valid UTF-8, safe for a terminal and short (printf's "%.64s" split a
 * character).  A token is never quoted.
 */
static void
test_exec_output_quoted(void)
{
	struct kubeconfig	*kc;
	struct buf		 out;
	char			*cause = NULL;
	int			 i, kind;

	kc = load("exec.yaml", "v1", &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		free(cause);
		return;
	}
	for (kind = 0; kind < 2; kind++) {
		buf_init(&out, 0);
		buf_printf(&out, "{\"apiVersion\":\"%sx\\u001b", kind ?
		    "client.authentication.k8s.io/v1\",\"kind\":\"" : "");
		for (i = 0; i < 40; i++)
			buf_printf(&out, "\xc3\xa9");
		buf_printf(&out, "\"%s,\"status\":{\"token\":"
		    "\"sekrit-token-1\"}}", kind ? "" : ",\"kind\":\"x\"");
		CHECK_INT(kc_exec_parse(kc, out.data, out.len, &cause), -1);
		CHECK(cause != NULL && sanitize_is_clean(cause, 0));
		CHECK(cause != NULL && strlen(cause) < 200);
		CHECK(cause != NULL && strstr(cause, "sekrit") == NULL);
		CHECK_CONTAINS(cause, kind ? "is not ExecCredential" :
		    "plugin returned version");
		free(cause);
		cause = NULL;
		buf_done(&out);
	}
	kubeconfig_free(kc);
}

/* v1: args, env and KUBERNETES_EXEC_INFO reach the plugin. */
static void
test_exec_v1(void)
{
	struct loop		*loop = loop_new();
	struct got		 g;
	struct kubeconfig	*kc;
	const struct kubeconfig_credential *c;
	char			*cause, *p;

	exec_once(loop, "v1", &g);
	CHECK_STR(g.token, "v1-hello-first-second arg");
	CHECK(g.error == NULL);
	if (g.error != NULL)
		printf("# %s\n", g.error);
	got_reset(&g);

	/* The command is resolved against the kubeconfig's directory. */
	kc = load("exec.yaml", "v1", &cause);
	if (kc != NULL) {
		p = fixture("plugins/v1.sh");
		CHECK_STR(kubeconfig_info(kc)->exec_command, p);
		free(p);
		CHECK_CONTAINS(kubeconfig_info(kc)->description,
		    "(exec ");
		CHECK_INT(kubeconfig_credential_now(kc, &c, &cause), 1);
		kubeconfig_free(kc);
	} else
		free(cause);

	exec_once(loop, "cluster-info", &g);
	CHECK_STR(g.token, "cluster-info-T0KEN");
	if (g.error != NULL)
		printf("# %s\n", g.error);
	got_reset(&g);
	loop_free(loop);
}

/* v1beta1 with a client certificate and an expiry. */
static void
test_exec_v1beta1(void)
{
	struct loop	*loop = loop_new();
	struct got	 g;
	int64_t		 exp;

	exec_once(loop, "v1beta1", &g);
	CHECK(g.token == NULL);
	CHECK_CONTAINS(g.cert, "ZXhlYw==");
	util_parse_rfc3339("2999-01-01T00:00:00Z", &exp);
	CHECK_INT(g.expires, exp);
	if (g.error != NULL)
		printf("# %s\n", g.error);
	got_reset(&g);
	loop_free(loop);
}

/* Failures: stderr and installHint shown, sanitised; never stdout. */
static void
test_exec_failures(void)
{
	struct loop	*loop = loop_new();
	struct got	 g;
	int64_t		 start;

	exec_once(loop, "fail", &g);
	CHECK(g.token == NULL);
	CHECK_CONTAINS(g.error, "failed with exit code 2");
	CHECK_CONTAINS(g.error, "error: refresh token expired");
	CHECK_CONTAINS(g.error, "run: corp-login");
	CHECK_CONTAINS(g.error, "Install corp-login: see the wiki");
	CHECK(g.error != NULL && strchr(g.error, '\033') == NULL);
	CHECK(no_secret(g.error));
	got_reset(&g);

	exec_once(loop, "bad-json", &g);
	CHECK_CONTAINS(g.error, "decoding stdout");
	CHECK_CONTAINS(g.error, "bad-json hint");
	CHECK(no_secret(g.error));
	got_reset(&g);

	exec_once(loop, "wrong-version", &g);
	CHECK_CONTAINS(g.error, "exec plugin is configured to use API version "
	    "client.authentication.k8s.io/v1, plugin returned version "
	    "client.authentication.k8s.io/v1beta1");
	CHECK(no_secret(g.error));
	got_reset(&g);

	exec_once(loop, "missing", &g);
	CHECK_CONTAINS(g.error, "exec: executable sitrep-no-such-plugin not "
	    "found");
	CHECK_CONTAINS(g.error, "brew install sitrep-no-such-plugin");
	got_reset(&g);

	/* A plugin that never answers is stopped after the timeout. */
	start = util_mono_ms();
	exec_once(loop, "hang", &g);
	CHECK_CONTAINS(g.error, "did not finish within 500ms and was stopped");
	CHECK_CONTAINS(g.error, "waiting for a browser");
	CHECK(util_mono_ms() - start < 3000);
	got_reset(&g);
	loop_free(loop);
}

/* The credential is cached until it expires or is invalidated. */
static void
test_exec_cache(void)
{
	struct loop				*loop = loop_new();
	struct kubeconfig			*kc;
	const struct kubeconfig_credential	*c;
	struct got				 g, g2;
	char					*cause, *counter;
	char					 ts[64];

	counter = xasprintf("%s/counter", tmpdir);
	unlink(counter);
	kc = load("exec.yaml", "counter", &cause);
	CHECK(kc != NULL);
	if (kc == NULL) {
		free(cause);
		free(counter);
		loop_free(loop);
		return;
	}
	setenv("SITREP_KC_COUNTER", counter, 1);
	util_format_rfc3339(util_now_ms() + 3600 * 1000, ts, sizeof ts);
	setenv("SITREP_KC_EXPIRY", ts, 1);

	/* Two requests while it runs share one run. */
	memset(&g, 0, sizeof g);
	memset(&g2, 0, sizeof g2);
	kubeconfig_credential_get(kc, loop, got_cb, &g);
	kubeconfig_credential_get(kc, loop, got_cb, &g2);
	run_until(loop, &g2, 1);
	CHECK_STR(g.token, "count-1");
	CHECK_STR(g2.token, "count-1");
	CHECK(g.expires > util_now_ms());
	got_reset(&g);
	got_reset(&g2);

	/* Cached: ready at once, and through the loop without a run. */
	CHECK_INT(kubeconfig_credential_now(kc, &c, &cause), 0);
	if (c != NULL)
		CHECK_STR(c->bearer_token, "count-1");
	kubeconfig_credential_get(kc, loop, got_cb, &g);
	run_until(loop, &g, 1);
	CHECK_STR(g.token, "count-1");
	got_reset(&g);

	/* A 401: invalidate, and the plugin runs again. */
	kubeconfig_credential_invalidate(kc);
	CHECK_INT(kubeconfig_credential_now(kc, &c, &cause), 1);
	kubeconfig_credential_get(kc, loop, got_cb, &g);
	run_until(loop, &g, 1);
	CHECK_STR(g.token, "count-2");
	got_reset(&g);

	/* An expiry in the past is not cached past its time. */
	setenv("SITREP_KC_EXPIRY", "2000-01-01T00:00:00Z", 1);
	kubeconfig_credential_invalidate(kc);
	kubeconfig_credential_get(kc, loop, got_cb, &g);
	run_until(loop, &g, 1);
	CHECK_CONTAINS(g.error, "already expired");
	got_reset(&g);
	unsetenv("SITREP_KC_EXPIRY");
	kubeconfig_credential_get(kc, loop, got_cb, &g);
	run_until(loop, &g, 1);
	CHECK_STR(g.token, "count-4");
	got_reset(&g);

	/* Cancelled requests are not called; free calls the rest. */
	kubeconfig_credential_invalidate(kc);
	CHECK_INT(kubeconfig_credential_cancel(kc,
	    kubeconfig_credential_get(kc, loop, got_cb, &g)), 0);
	CHECK_INT(kubeconfig_credential_cancel(kc, 9999), -1);
	kubeconfig_credential_get(kc, loop, got_cb, &g2);
	loop_run_once(loop, 0);		/* the plugin starts */
	kubeconfig_free(kc);
	CHECK_INT(g.calls, 0);
	CHECK_INT(g2.calls, 1);
	CHECK_STR(g2.error, "cancelled");
	got_reset(&g);
	got_reset(&g2);

	unsetenv("SITREP_KC_COUNTER");
	unlink(counter);
	free(counter);
	loop_free(loop);
}

/* A temporary HOME and the fixture directory. */
static void
setup(void)
{
	const char	*src = getenv("top_srcdir");
	char		 tmpl[] = "/tmp/sitrep-kc-XXXXXX";
	char		*d;

	d = xasprintf("%s/tests/data/kubeconfig", src != NULL ? src : ".");
	datadir = realpath(d, NULL);
	if (datadir == NULL)
		datadir = d;
	else
		free(d);
	tmpdir = xstrdup(mkdtemp(tmpl) != NULL ? tmpl : "/tmp");
}

static const struct test tests[] = {
	TEST(test_token_and_ca_data),
	TEST(test_files_relative),
	TEST(test_token_file_rotation),
	TEST(test_basic_insecure),
	TEST(test_client_cert),
	TEST(test_anonymous),
	TEST(test_context_errors),
	TEST(test_conflicts),
	TEST(test_parse_errors),
	TEST(test_base64),
	TEST(test_merge),
	TEST(test_home_and_nothing),
	TEST(test_in_cluster),
	TEST(test_exec_v1),
	TEST(test_exec_output_quoted),
	TEST(test_exec_v1beta1),
	TEST(test_exec_failures),
	TEST(test_exec_cache),
	{ NULL, NULL }
};

/* Run every test with the fixtures and a scratch HOME. */
int
main(void)
{
	int	rc;

	setup();
	rc = harness_run(tests);
	rmdir(tmpdir);
	free(tmpdir);
	free(datadir);
	return rc;
}
